"""Forms that apply the API's own CreateAlbum rules before anything is sent.

What the form normalises is exactly what the portal sends, and the API judges what it is sent, so
the two agree by construction (tests/albums/test_form_mirrors_api.py checks it field by field):

- Text (name, description, PIN) loses its NUL characters, then its surrounding white space (as
  Python's str.strip sees it), and is otherwise sent as typed. NUL cannot be typed into a page, means
  nothing in a name, and PostgreSQL cannot store it, so the portal could not even record the attempt;
  every other character, control characters included, is kept, as AdultWork keeps them.
- A name's length is counted as .NET counts a string (UTF-16 code units), which is also how a
  browser's maxlength counts, so "20 characters" means the same thing on every side.
- A price loses its surrounding white space and any trailing zeros after the decimal point
  (1.5000 is 1.5), exactly, never through a float; it is then at most 999999999.999, above 0.
  It is written as the API's decimal means it: ASCII digits with at most one point. Signs,
  exponents (1E+2), digit separators (2_000) and digits of other scripts (٥, ５), which Python's
  Decimal would take, are refused, and so is anything longer than PRICE_MAX_LENGTH, before any
  parsing: no input can cost more than a glance. UserIDs and dates are read the same way.
- A PIN number or price counts as given once something was entered, valid or not: the API asks for
  the other half of the pair as soon as one half is present.

Two rules are the portal's own and stricter than the API. CreateAlbum accepts any 4 letters or digits
as a PinNumber, but its documentation says a PIN "should be impossible to guess", so the form also
refuses the PINs anyone would try first. `pin_guessable_reason` is that whole rule (the form refuses
a valid PIN exactly when it returns a reason), and `pin_generate` makes PINs that pass it. And
CreateAlbum takes any name that is not white space, but a name nobody can see (only zero-width
characters or a BOM), or one carrying control or bidirectional-override characters (which make text
read differently from what it is), misleads whoever reads the list: `name_unfit_reason` is that rule.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import QueryDict

from . import adultwork as aw
from .errors import PortalError
from .models import AlbumRecord, BulkJob, Member
from .pagination import Cursor
from .selectors import AlbumRecordFilters

NAME_MAX_LENGTH = 20
PIN_LENGTH = 4
PIN_PATTERN = r"\A[A-Za-z0-9]{4}\Z"
# Generated PINs leave out characters that are easily misread or mistyped (0/O/o, 1/l/I): buyers
# type them. 55 characters give 55**4, about 9 million, PINs.
PIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
# Near the top of published lists of the most used PINs, and not caught by a rule below.
COMMON_PINS = frozenset({"1004", "1122", "2580", "asdf", "love", "pass", "qwer", "sexy", "test", "zxcv"})


# The longest price worth reading: 9 digits, a point, 3 decimals, and room for trailing zeros.
PRICE_MAX_LENGTH = 32
# re's [0-9] is ASCII only (\d would take every script's digits).
PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
PLAIN_INTEGER = re.compile(r"[0-9]{1,19}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# AdultWork's UserIDs are .NET Int32s.
USER_ID_MAX = 2**31 - 1
# Bidirectional embeddings, overrides and isolates: they make text display other than it reads.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that show nothing by themselves: white space, format characters (zero-width space,
# BOM, joiners), control characters, unassigned and private-use code points.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs"})


def utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def validate_album_name_length(value: str) -> None:
    length = utf16_length(value)
    if length > NAME_MAX_LENGTH:
        raise ValidationError(
            "Use at most %(limit)d characters (this name has %(length)d; some emoji count as two).",
            code="max_length",
            params={"limit": NAME_MAX_LENGTH, "length": length},
        )


def name_unfit_reason(name: str) -> str | None:
    """Why `name` would mislead whoever reads it (see the module's docstring), or None when it would not."""
    if any(char in BIDI_CONTROLS for char in name):
        return "it holds a character that reverses the direction of the text"
    if any(unicodedata.category(char) == "Cc" for char in name):
        return "it holds a control character, such as a tab or a line break"
    if all(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in name):
        return "it holds only characters that do not show, such as zero-width spaces"
    return None


def validate_visible_name(value: str) -> None:
    reason = name_unfit_reason(value)
    if reason:
        raise ValidationError("Use a name people can read: %(reason)s.", code="unfit", params={"reason": reason})


def decimal_without_trailing_zeros(value: Decimal) -> Decimal:
    """The same number without zeros after its last significant decimal (no rounding, any size, linear)."""
    if not value.is_finite():
        return value
    sign, digits, exponent = value.as_tuple()
    if not any(digits):
        return Decimal((sign, (0,), 0))
    trailing_zeros = len(digits) - len(bytes(digits).rstrip(b"\0"))
    removed = min(trailing_zeros, max(0, -exponent))
    return Decimal((sign, digits[: len(digits) - removed], exponent + removed))


def plain_text(value, *, pattern: re.Pattern, max_length: int) -> str | None:
    """`value` without surrounding white space when `pattern` matches it whole, else None. The length is
    looked at first, so a huge value costs one pass, never a parse."""
    text = str(value).strip()
    if len(text) > max_length or not pattern.fullmatch(text):
        return None
    return text


class PlainFieldMixin:
    """to_python for a field read only from ASCII text matching `pattern` (see plain_text), then `parse`d."""

    pattern: re.Pattern
    max_length_typed: int

    def parse(self, text: str):
        raise NotImplementedError

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        text = plain_text(value, pattern=self.pattern, max_length=self.max_length_typed)
        if text is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return self.parse(text)


class ApiTextField(forms.CharField):
    """Text as the portal sends it: without NUL characters, then without surrounding white space."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return super().to_python(value)


class UnechoedTextInput(forms.TextInput):
    """A visible text box that never sends its value back to the browser, for a secret such as a PIN."""

    def format_value(self, value):
        return None


class CreditsField(PlainFieldMixin, forms.DecimalField):
    """A price in credits, sent as the exact number typed, without trailing decimal zeros."""

    pattern, max_length_typed = PLAIN_DECIMAL, PRICE_MAX_LENGTH
    default_error_messages = {
        "invalid": "Enter a number of credits in digits, with at most one decimal point, such as 2.5.",
    }

    def parse(self, text: str) -> Decimal:
        return decimal_without_trailing_zeros(Decimal(text))


class UserIdField(PlainFieldMixin, forms.IntegerField):
    """An AdultWork UserID: ASCII digits only, within .NET's Int32."""

    pattern, max_length_typed = PLAIN_INTEGER, 19
    default_error_messages = {"invalid": "Enter an AdultWork UserID: digits only."}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(min_value=1, max_value=USER_ID_MAX, **kwargs)

    def parse(self, text: str) -> int:
        return int(text)


class HistoryDateField(PlainFieldMixin, forms.DateField):
    """A day of the history, as a date input sends it (YYYY-MM-DD), from 2000 to 2999: a year beyond
    would overflow the arithmetic of "up to the end of that day" and means nothing here anyway."""

    FIRST, LAST = date(2000, 1, 1), date(2999, 12, 31)
    pattern, max_length_typed = ISO_DATE, 10
    default_error_messages = {"invalid": "Enter a date as YYYY-MM-DD, such as 2026-05-31."}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date", "min": self.FIRST, "max": self.LAST}))
        super().__init__(required=False, **kwargs)

    def parse(self, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:  # 2026-02-30
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not self.FIRST <= value <= self.LAST:
            raise ValidationError("Choose a date from the year 2000 to 2999.", code="out_of_range")


def pin_guessable_reason(pin: str) -> str | None:
    """Why `pin` (4 letters or digits) is among the first anyone would try, or None when it is not.

    Letters are compared without regard to case. Guessable are: one character repeated (0000, aaaa);
    a straight run up or down (1234, 4321, abcd, DCBA); a pair repeated (1212, abab); a year from
    1900 to 2099; and the few COMMON_PINS.
    """
    folded = pin.lower()
    steps = {ord(after) - ord(before) for before, after in pairwise(folded)}
    if len(set(folded)) == 1:
        return "one character repeated"
    if (folded.isdigit() or folded.isalpha()) and steps in ({1}, {-1}):
        return "a straight run"
    if folded[:2] == folded[2:]:
        return "a pair repeated"
    if folded.isdigit() and 1900 <= int(folded) <= 2099:
        return "it looks like a year"
    if folded in COMMON_PINS:
        return "it is one of the most used PINs"
    return None


def pin_generate() -> str:
    """A PIN drawn with `secrets` from PIN_ALPHABET that `pin_guessable_reason` accepts."""
    while True:
        pin = "".join(secrets.choice(PIN_ALPHABET) for _ in range(PIN_LENGTH))
        if pin_guessable_reason(pin) is None:
            return pin


class PortalErrorFormMixin:
    """Shows a PortalError on the form: API field messages next to their fields, the rest on top."""

    api_fields: dict[str, str] = {}

    def add_portal_error(self, error: PortalError) -> None:
        by_api_name = {name.lower(): field for name, field in self.api_fields.items()}
        for api_name, messages in error.field_errors.items():
            field = by_api_name.get(api_name.lower())
            for message in messages:
                self.add_error(field, message)
        self.add_error(None, error.message)


class SubmissionKeyForm(forms.Form):
    """A form whose submission key makes sending it exactly-once. The key is a hidden field, so no one
    typed it: a missing or altered one is said in words, and the form comes back with a fresh one
    (nothing was sent under the bad one, so the next send is a first)."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors.pop("submission_key", None):
            self.add_error(
                None,
                "This form's submission key was missing or altered, so nothing was sent. Check the form and "
                "send it again.",
            )
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())
        return cleaned


class AlbumForm(PortalErrorFormMixin, SubmissionKeyForm):
    api_fields = {
        "Name": "name",
        "Description": "description",
        "PinNumber": "pin_number",
        "PINPrice": "pin_price",
    }

    name = ApiTextField(
        label="Name",
        validators=[validate_album_name_length, validate_visible_name],
        error_messages={"required": "Enter a name for the album."},
        help_text="Required. At most 20 characters.",
        widget=forms.TextInput(attrs={"maxlength": NAME_MAX_LENGTH, "autocomplete": "off"}),
    )
    description = ApiTextField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    pin_number = ApiTextField(
        label="PIN number",
        required=False,
        validators=[
            RegexValidator(PIN_PATTERN, message="A PIN number is exactly 4 letters or digits (A–Z, a–z, 0–9).")
        ],
        help_text="4 letters or digits, hard to guess. Buyers enter it to open the album. "
        "The portal does not send it back to the browser: if the form comes back, type it again.",
        widget=UnechoedTextInput(
            attrs={"maxlength": PIN_LENGTH, "autocomplete": "off", "spellcheck": "false", "class": "input--short"}
        ),
    )
    pin_price = CreditsField(
        label="PIN price",
        required=False,
        max_digits=12,
        decimal_places=3,
        help_text=(
            "In AdultWork credits, the site's own currency: what a buyer pays from their credit balance "
            "to open the album with the PIN. Up to 3 decimal places, e.g. 2.5."
        ),
        widget=forms.NumberInput(attrs={"step": "0.001", "min": "0.001", "inputmode": "decimal", "class": "input--short"}),
    )

    def clean_pin_number(self) -> str:
        pin = self.cleaned_data["pin_number"]
        reason = pin and pin_guessable_reason(pin)
        if reason:
            raise ValidationError(
                "This PIN is easy to guess (%(reason)s). Use one nobody would try, such as %(suggestion)s.",
                code="guessable",
                params={"reason": reason, "suggestion": pin_generate()},
            )
        return pin

    def clean_pin_price(self) -> Decimal | None:
        price = self.cleaned_data.get("pin_price")
        if price is not None and price <= 0:
            raise ValidationError("Enter a price above 0 credits.", code="min_value")
        return price

    @property
    def album_input(self) -> aw.AlbumInput:
        """The cleaned album definition, exactly what the album services send to AdultWork."""
        return aw.AlbumInput(**{name: self.cleaned_data[name] for name in ("name", "description", "pin_number", "pin_price")})

    def clean(self) -> dict:
        cleaned = super().clean()
        self.clean_pin_pair(
            has_pin=bool(cleaned.get("pin_number")) or "pin_number" in self.errors,
            has_price=cleaned.get("pin_price") is not None or "pin_price" in self.errors,
        )
        return cleaned

    def clean_pin_pair(self, *, has_pin: bool, has_price: bool) -> None:
        """The API asks for both halves of the pair as soon as one is given."""
        if has_pin and not has_price and "pin_price" not in self.errors:
            self.add_error("pin_price", "Enter a PIN price: a PIN number needs one.")
        if has_price and not has_pin and "pin_number" not in self.errors:
            self.add_error("pin_number", "Enter a PIN number: a PIN price needs one.")


class AlbumEditForm(AlbumForm):
    """Edit album: the create form's fields and rules, and what to do with the PIN.

    The PIN is never echoed. `current_pin` is what the portal holds for the album: its PIN (decrypted),
    "" when the portal knows it has none, None when the portal does not know (an album made elsewhere).
    An empty PIN box keeps what the portal holds; a PIN typed replaces it; **Remove the PIN** removes it
    and its price. UpdateAlbum is sent every field, so a PIN the portal does not hold cannot be kept:
    the form then asks for a PIN or for its removal.
    """

    remove_pin = forms.BooleanField(
        label="Remove the PIN",
        required=False,
        help_text="The album then opens without a PIN; its PIN price goes too.",
    )

    def __init__(self, *args, current_pin: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_pin = current_pin
        if current_pin:
            help_text = (
                "Leave empty to keep the album's PIN; type 4 letters or digits to change it. The portal never "
                "shows the PIN in this form."
            )
        elif current_pin == "":
            help_text = "The album has no PIN. Type 4 letters or digits, hard to guess, to add one."
        else:
            help_text = (
                "The portal does not hold this album's PIN, so it cannot keep it: type a PIN (4 letters or "
                "digits, hard to guess), or tick Remove the PIN."
            )
        self.fields["pin_number"].help_text = help_text

    def clean(self) -> dict:
        cleaned = self.cleaned_data
        typed = bool(cleaned.get("pin_number")) or "pin_number" in self.errors
        if cleaned.get("remove_pin"):
            if typed:
                self.add_error("pin_number", "Type a new PIN or tick Remove the PIN, not both.")
            cleaned["pin_price"] = None
            self.errors.pop("pin_price", None)
        elif not typed and self.current_pin is not None:
            cleaned["pin_number"] = self.current_pin
        elif not typed and cleaned.get("pin_price") is None and "pin_price" not in self.errors:
            self.add_error("pin_number", "The portal does not hold this album's PIN: type one, or tick Remove the PIN.")
        return super().clean()


class AlbumRemoveForm(PortalErrorFormMixin, SubmissionKeyForm):
    remove_pictures = forms.BooleanField(
        label="Also remove its pictures",
        required=False,
        help_text="Without this, AdultWork keeps the album's pictures in your gallery, outside any album.",
    )


# AddPictures documents no limits on a picture's Title and Description; these are the portal's own,
# so that no field can be huge.
PICTURE_TITLE_MAX_LENGTH = 200
PICTURE_DESCRIPTION_MAX_LENGTH = 2000
PICTURE_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PictureFilesField(forms.FileField):
    """Several files at once; each is judged by the picture checks (albums.pictures), which name it."""

    widget = MultipleFileInput(attrs={"accept": PICTURE_TYPES})

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


class PictureTextFields(forms.Form):
    title = ApiTextField(label="Title", required=False, max_length=PICTURE_TITLE_MAX_LENGTH)
    description = ApiTextField(
        label="Description",
        required=False,
        max_length=PICTURE_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PictureUploadForm(PictureTextFields, SubmissionKeyForm):
    field_order = ["pictures", "title", "description"]

    pictures = PictureFilesField(
        label="Pictures",
        error_messages={"required": "Choose at least one picture."},
        help_text="JPEG, PNG, WebP or HEIC; choose several at once. Each is sent as a JPEG with its location, "
        "camera and all other data removed.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = "Given to each picture; you can change it for each one before sending."
        self.fields["description"].help_text = "Given to each picture too, and editable per picture."


# RFC 6750, section 2.1: b64token. Anything else (spaces, line breaks, letters outside ASCII) could not
# travel in an Authorization header, so it is refused here rather than failing on the way out.
BEARER_TOKEN_PATTERN = r"\A[A-Za-z0-9\-._~+/]+=*\Z"


class AccessTokenForm(PortalErrorFormMixin, forms.Form):
    access_token = forms.CharField(
        label="Access token",
        max_length=4000,
        validators=[
            RegexValidator(
                BEARER_TOKEN_PATTERN,
                message="This is not an access token: it holds only letters, digits and - . _ ~ + / = "
                "(no spaces or line breaks). Copy it again.",
            )
        ],
        help_text="An AdultWork access token for your account. It expires and cannot be refreshed.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


def member_choices(members: Iterable[Member]) -> list[tuple[int, str]]:
    return [(member.aw_user_id, str(member)) for member in members]


class MemberAlbumForm(AlbumForm):
    """An album for one group member: the same rules, and whom it is for."""

    field_order = ["member"]

    member = forms.TypedChoiceField(
        label="Member",
        coerce=int,
        empty_value=None,
        help_text="The group member the album is for. Members no longer in the group cannot be chosen.",
    )

    def __init__(self, *args, members: Iterable[Member], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "Choose a member")] + member_choices(members)


class BulkJobForm(AlbumForm):
    """One album for many group members of one agency, with one PIN for all, a PIN of its own for each
    member (generated when the job is queued), or none."""

    all_members = forms.BooleanField(label="All current members", required=False)
    members = forms.TypedMultipleChoiceField(
        label="Members", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    pin_mode = forms.ChoiceField(
        label="PIN",
        required=False,
        choices=[(mode, BulkJob.PinMode(mode).label) for mode in (BulkJob.PinMode.SAME, BulkJob.PinMode.EACH, BulkJob.PinMode.NONE)],
        initial=BulkJob.PinMode.NONE,
        widget=forms.RadioSelect,
        help_text="Generated PINs are drawn by the portal, never guessable and never two alike in a job; "
        "you see them once the job has finished.",
    )

    def __init__(self, *args, members: Iterable[Member], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = member_choices(members)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("all_members") and not cleaned.get("members") and "members" not in self.errors:
            self.add_error("members", "Choose at least one member, or all current members.")
        return cleaned

    def clean_pin_pair(self, *, has_pin: bool, has_price: bool) -> None:
        # A form sent without a choice (an older page, or a script) means what its PIN fields say.
        mode = self.cleaned_data.get("pin_mode") or (BulkJob.PinMode.SAME if has_pin or has_price else BulkJob.PinMode.NONE)
        self.cleaned_data["pin_mode"] = mode
        if mode == BulkJob.PinMode.SAME:
            if not has_pin and not has_price:
                self.add_error("pin_number", "Enter the PIN for every member, or choose another PIN option.")
            super().clean_pin_pair(has_pin=has_pin, has_price=has_price)
        elif mode == BulkJob.PinMode.EACH:
            if has_pin and "pin_number" not in self.errors:
                self.add_error("pin_number", "Each member gets a PIN of their own: leave PIN number empty.")
            if not has_price and "pin_price" not in self.errors:
                self.add_error("pin_price", "Enter a PIN price: generated PINs need one.")
        elif has_pin or has_price:
            for field in ("pin_number", "pin_price"):
                if field not in self.errors:
                    self.add_error(field, "You chose No PIN: leave this empty, or choose another PIN option.")

    @property
    def chosen_user_ids(self) -> list[int] | None:
        """The chosen members' UserIDs, or None for all current members."""
        return None if self.cleaned_data["all_members"] else self.cleaned_data["members"]


class GalleryAccountForm(forms.Form):
    """Whose albums the Gallery shows: one's own, or (agency staff) a group member's."""

    member = forms.TypedChoiceField(
        label="Whose albums",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Your own account, or a group member you may act for.",
    )

    def __init__(self, data: QueryDict, *, members: Iterable[Member]) -> None:
        super().__init__(data)
        self.fields["member"].choices = [("", "Your own account")] + member_choices(members)

    @property
    def member_user_id(self) -> int | None:
        return self.cleaned_data.get("member") if self.is_valid() else None


class MemberAddForm(PortalErrorFormMixin, forms.Form):
    aw_user_id = UserIdField(label="AdultWork UserID")
    nickname = forms.CharField(
        label="Label",
        max_length=100,
        validators=[validate_visible_name],
        help_text="A name to find them by, such as their nickname.",
    )


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a member", required=False, max_length=100, help_text="Part of a nickname, or the start of a UserID."
    )

    @property
    def query(self) -> str:
        """What to search for; nothing when the search was refused (the form then says why)."""
        self.is_valid()
        return self.cleaned_data.get("q", "")


class AlbumSyncForm(forms.Form):
    member = UserIdField(label="Member (AdultWork UserID)", required=False, help_text="Leave empty for your own account.")


class HistoryFilterForm(forms.Form):
    """The history's filters, read from the query string so that every view of it has a URL to share."""

    SORT_NEWEST = "newest"
    SORT_OLDEST = "oldest"

    name = forms.CharField(label="Album name contains", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Operation", required=False, choices=[("", "Any operation"), *AlbumRecord.Kind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *AlbumRecord.Status.choices]
    )
    member = UserIdField(label="Member (AdultWork UserID)", required=False)
    sent_by = forms.TypedChoiceField(label="Sent by", required=False, coerce=int, empty_value=None)
    created_from = HistoryDateField(label="From (date)")
    created_to = HistoryDateField(label="To (date)")
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(SORT_NEWEST, "Newest first"), (SORT_OLDEST, "Oldest first")],
    )
    # Where a page starts or ends (see albums.pagination); not shown as fields.
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, *, senders: Sequence[AbstractBaseUser]) -> None:
        super().__init__(data)
        self.fields["sent_by"].choices = [("", "Anyone"), *((sender.pk, sender.get_username()) for sender in senders)]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", "Choose a date on or after the From date.")
        return cleaned

    def filters(self) -> AlbumRecordFilters:
        """The filters that were given and valid; a refused one narrows nothing."""
        self.is_valid()
        data = self.cleaned_data
        return AlbumRecordFilters(
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            member_id=data.get("member"),
            sent_by_id=data.get("sent_by"),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            name=data.get("name", ""),
            oldest_first=data.get("sort") == self.SORT_OLDEST,
        )

    def cursors(self) -> tuple[Cursor | None, Cursor | None]:
        """The page asked for: (after, before)."""
        self.is_valid()
        return Cursor.decode(self.cleaned_data.get("after", "")), Cursor.decode(self.cleaned_data.get("before", ""))

    def query_string(self, **changes: str) -> str:
        """This view's query string, without page position, with `changes` applied."""
        data = self.data.copy()
        for name in ("after", "before"):
            data.pop(name, None)
        for name, value in changes.items():
            data[name] = value
        return data.urlencode()
