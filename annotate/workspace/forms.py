"""Forms of the annotator workspace.

They only turn request data into values (ids into the label values and claims already loaded
for the page); every rule about what may be saved is checked again by the services.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms

from annotate.models import Claim, LabelValue
from annotate.selectors.schema import Schema
from annotate.services.relations import RelationChoice
from threads.models import Comment

TARGET_VALUE = "v"  # "v12": stance target value 12
TARGET_CLAIM = "c"  # "c34": claim 34


class SpanForm(forms.Form):
    """Where a new claim goes: the text (``a`` for the article, else a comment id) and the span."""

    text = forms.CharField(widget=forms.HiddenInput)
    start = forms.IntegerField(widget=forms.HiddenInput)
    end = forms.IntegerField(widget=forms.HiddenInput)
    quote = forms.CharField(strip=False, widget=forms.HiddenInput)


class ClaimChoices(TypedDict):
    """The claims a claim's form offers: as its stance target, and for a relation."""

    target_claims: list[Claim]
    relation_claims: list[Claim]


def split_choices(claims: list[Claim], comment: Comment | None) -> ClaimChoices:
    """The claims a claim in ``comment`` may target (those up the reply chain) and relate to
    (those and its own text's), from the claims in its text and up the chain."""
    if comment is None:
        return {"target_claims": [], "relation_claims": claims}
    targets = [c for c in claims if c.comment_id != comment.pk]
    return {"target_claims": targets, "relation_claims": claims}


class ClaimForm(forms.Form):
    """The labels of a claim, and a relation to add. Choices are the corpus's current values
    (and, when editing, the retired ones the claim already carries), the annotator's claims in
    ancestor texts (targets), and their claims in the same or an ancestor text (relations)."""

    claim_type = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    stance = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    target = forms.ChoiceField(widget=forms.RadioSelect)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # A relation to add on save: to which claim ("" for none), and of which type.
    relation_to = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )
    relation_type = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args: Any,
        schema: Schema,
        for_article: bool,
        target_claims: list[Claim],
        claim: Claim | None = None,
        relation_claims: list[Claim] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.claim = claim
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
        self.relation_types = offered("relation")
        self.fields["relation_type"].choices = [  # type: ignore[attr-defined]
            (v.pk, v.name) for v in self.relation_types
        ]
        self.offer(target_claims=target_claims, relation_claims=relation_claims or [])
        self.fields["relation_to"].error_messages["invalid_choice"] = (
            "That claim is not one this claim can relate to."
        )
        self.fields["target"].error_messages["required"] = "Choose a stance target."
        self.fields["stance"].error_messages["required"] = "Choose a stance."
        self.fields["claim_type"].error_messages["required"] = "Choose a claim type."

    def offer(self, *, target_claims: list[Claim], relation_claims: list[Claim]) -> None:
        """Offer these claims as targets and as the other end of a relation (a bound form is
        offered only the ones posted; shown again after a refusal, every candidate)."""
        self.target_claims = {c.pk: c for c in target_claims}
        claim = self.claim
        self.relation_claims = {
            c.pk: c for c in relation_claims if claim is None or c.pk != claim.pk
        }
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (f"{TARGET_VALUE}{v.pk}", v.name) for v in self.target_values
        ] + [(f"{TARGET_CLAIM}{c.pk}", f"claim #{c.pk}") for c in target_claims]
        self.fields["relation_to"].choices = [("", "none")] + [  # type: ignore[attr-defined]
            (pk, f"claim #{pk}") for pk in self.relation_claims
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("relation_to") is not None and data.get("relation_type") is None:
            self.add_error("relation_type", "Choose a relation type for the relation.")
        return data

    def labels(self) -> dict[str, Any]:
        """The chosen values as the services take them (call after ``is_valid()``)."""
        data = self.cleaned_data
        relation = None
        if data.get("relation_to") is not None:
            relation = RelationChoice(data["relation_to"], self.schema.by_id[data["relation_type"]])
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
            "relation": relation,
        }

    @staticmethod
    def initial_for(claim: Claim | None, schema: Schema, for_article: bool) -> dict[str, Any]:
        """Initial values: the claim's own, or the first claim type and the default target; no
        new relation, of the first relation type once a claim is picked."""
        relation: dict[str, Any] = {"relation_to": ""}
        if schema.relation_types:
            relation["relation_type"] = schema.relation_types[0].pk
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
                **relation,
            }
        initial: dict[str, Any] = {**relation}
        if schema.claim_types:
            initial["claim_type"] = schema.claim_types[0].pk
        # A comment's claims most often answer what it replies to; the article's, its thesis.
        preferred = "thesis" if for_article else "parent"
        for value in schema.targets:
            if value.name == preferred:
                initial["target"] = f"{TARGET_VALUE}{value.pk}"
        return initial
