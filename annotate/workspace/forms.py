"""Forms of the annotator workspace.

They only turn request data into values (ids into the label values and claims already loaded
for the page); every rule about what may be saved is checked again by the services.
"""

from __future__ import annotations

from typing import Any

from django import forms

from annotate.models import Claim, LabelValue
from annotate.selectors.schema import Schema

TARGET_VALUE = "v"  # "v12": stance target value 12
TARGET_CLAIM = "c"  # "c34": claim 34


class SpanForm(forms.Form):
    """Where a new claim goes: the text (``a`` for the article, else a comment id) and the span."""

    text = forms.CharField(widget=forms.HiddenInput)
    start = forms.IntegerField(widget=forms.HiddenInput)
    end = forms.IntegerField(widget=forms.HiddenInput)
    quote = forms.CharField(strip=False, widget=forms.HiddenInput)


class ClaimForm(forms.Form):
    """The labels of a claim. Choices are the corpus's current values (and, when editing, the
    retired ones the claim already carries) and the annotator's claims in ancestor texts."""

    claim_type = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    stance = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    target = forms.ChoiceField(widget=forms.RadioSelect)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        schema: Schema,
        for_article: bool,
        target_claims: list[Claim],
        claim: Claim | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.target_claims = {c.pk: c for c in target_claims}
        keep = set()
        if claim is not None:
            keep = {claim.claim_type_id, claim.stance_id, claim.stance_target_id}

        def offered(kind: str) -> list[LabelValue]:
            return [v for v in schema.values if v.kind == kind and (not v.retired or v.pk in keep)]

        self.claim_types = offered("claim_type")
        self.stances = offered("stance")
        self.target_values = [
            v for v in offered("stance_target") if not (for_article and v.name == "parent")
        ]
        self.fields["claim_type"].choices = [(v.pk, v.name) for v in self.claim_types]  # type: ignore[attr-defined]
        self.fields["stance"].choices = [(v.pk, v.name) for v in self.stances]  # type: ignore[attr-defined]
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (f"{TARGET_VALUE}{v.pk}", v.name) for v in self.target_values
        ] + [(f"{TARGET_CLAIM}{c.pk}", f"claim #{c.pk}") for c in target_claims]
        self.fields["target"].error_messages["required"] = "Choose a stance target."
        self.fields["stance"].error_messages["required"] = "Choose a stance."
        self.fields["claim_type"].error_messages["required"] = "Choose a claim type."

    def labels(self) -> dict[str, Any]:
        """The chosen values as the services take them (call after ``is_valid()``)."""
        data = self.cleaned_data
        target: str = data["target"]
        stance_target = target_claim = None
        if target.startswith(TARGET_VALUE):
            stance_target = self.schema.by_id[int(target[1:])]
        else:
            target_claim = self.target_claims[int(target[1:])]
        return {
            "claim_type": self.schema.by_id[data["claim_type"]],
            "stance": self.schema.by_id[data["stance"]],
            "stance_target": stance_target,
            "target_claim": target_claim,
            "note": data["note"],
        }

    @staticmethod
    def initial_for(claim: Claim | None, schema: Schema, for_article: bool) -> dict[str, Any]:
        """Initial values: the claim's own, or the first claim type and the default target."""
        if claim is not None:
            target = (
                f"{TARGET_CLAIM}{claim.target_claim_id}"
                if claim.target_claim_id
                else f"{TARGET_VALUE}{claim.stance_target_id}"
            )
            return {
                "claim_type": claim.claim_type_id,
                "stance": claim.stance_id,
                "target": target,
                "note": claim.note,
            }
        initial: dict[str, Any] = {}
        if schema.claim_types:
            initial["claim_type"] = schema.claim_types[0].pk
        # A comment's claims most often answer what it replies to; the article's, its thesis.
        preferred = "thesis" if for_article else "parent"
        for value in schema.targets:
            if value.name == preferred:
                initial["target"] = f"{TARGET_VALUE}{value.pk}"
        return initial
