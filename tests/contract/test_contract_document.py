"""The contract itself: valid OpenAPI 3.0, every example obeying its own schema, every operation sourced."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests.support.prism import CONTRACT

SPEC, _ = read_from_filename(str(CONTRACT))


def _resolved(node: Any) -> Any:
    """The node with every local `$ref` replaced by what it names (the contract has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolved(target)
        return {key: _resolved(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(item) for item in node]
    return node


def _operations() -> list[tuple[str, dict]]:
    return [
        (operation["operationId"], _resolved(operation))
        for item in SPEC["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]


def _examples() -> list[tuple[str, Any, dict]]:
    """(where, example, schema) for every example of a request or response body."""
    found = []
    for operation_id, operation in _operations():
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += [(f"response {status}", response) for status, response in operation["responses"].items()]
        for where, body in bodies:
            for media in body.get("content", {}).values():
                if "example" in media:
                    found.append((f"{operation_id} {where}", media["example"], media["schema"]))
                for name, example in media.get("examples", {}).items():
                    found.append((f"{operation_id} {where} {name}", example["value"], media["schema"]))
    return found


def test_the_contract_is_valid_openapi_3_0():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.0.")


@pytest.mark.parametrize(("where", "example", "schema"), _examples(), ids=[where for where, _, _ in _examples()])
def test_each_example_obeys_its_schema(where, example, schema):
    OAS30Validator(schema).validate(example)


@pytest.mark.parametrize(("operation_id", "operation"), _operations(), ids=[op for op, _ in _operations()])
def test_each_operation_says_where_it_comes_from(operation_id, operation):
    assert "[doc]" in operation["summary"] + operation.get("description", "")


def test_a_request_example_that_breaks_a_rule_is_caught():
    schema = _resolved(SPEC["components"]["schemas"]["CreateAlbumRequest"])
    assert not OAS30Validator(schema).is_valid({"Name": "x", "PinNumber": "q9Z4"})
