from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "netral.cases"
    label = "cases"
    verbose_name = "Reports and cases"

    def ready(self) -> None:
        from netral.base.findings import case_desk_register
        from netral.cases import (
            evidence,  # noqa: F401 (the owner of stored evidence)
            package,  # noqa: F401 (registers the referral package job)
            retention,  # noqa: F401 (the cases' kinds on the retention schedule)
        )
        from netral.cases.desk import CaseDesk

        case_desk_register(CaseDesk())
