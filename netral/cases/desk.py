"""The cases app's desk for findings of other apps (a screened post): see netral.base.findings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.base.audit import Acting
from netral.base.findings import Act, Finding, FindingRefused
from netral.cases import services
from netral.cases.evidence import EvidenceError, evidence_add, evidence_prepare
from netral.cases.intake import phase_for
from netral.cases.models import Case, ViolationType


class CaseDesk:
    def acts(self) -> list[Act]:
        return [
            Act(code=act.code, number=act.number, name=act.name)
            for act in ViolationType.objects.filter(is_active=True)
        ]

    def case_open(self, *, actor: Acting, finding: Finding) -> Case:
        assert isinstance(actor, Actor)
        violation_type = ViolationType.objects.filter(code=finding.act, is_active=True).first()
        if violation_type is None:
            raise FindingRefused(_("Choose the act of the case."))
        try:
            files = [
                evidence_prepare(file_name=evidence.file_name, data=evidence.data)
                for evidence in finding.evidence
            ]
        except EvidenceError as problem:
            raise FindingRefused(str(problem)) from problem
        reported: dict[str, Any] = (
            {"employee": finding.employee}
            if finding.employee is not None
            else {"reported_name": finding.reported_name, "reported_nip": finding.reported_nip}
        )
        case = services.case_create(
            actor=actor,
            agency=finding.agency,
            source=finding.source,
            election=finding.election,
            violation_type=violation_type,
            phase=phase_for(finding.election, finding.occurred_on),
            occurred_on=finding.occurred_on,
            description=finding.description,
            links=finding.links,
            **reported,
        )
        for file in files:
            evidence_add(actor=actor, case=case, file=file, origin=finding.source)
        return case
