from django import forms


class SecondFactorCodeForm(forms.Form):
    """Six digits from the authenticator app, or (when signing in) one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}),
    )

    def __init__(self, *args, recovery_allowed: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if recovery_allowed:
            self.fields["code"].help_text = "The 6 digits your authenticator app shows now, or one of your recovery codes."
        else:
            self.fields["code"].help_text = "The 6 digits your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        # People copy codes with spaces or dashes, and type recovery codes in capitals.
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
