"""Small builders for claim-record tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from autoclaim.claims.store import NewClaim, NewPhoto


def new_claim(**overrides: object) -> NewClaim:
    values: dict[str, object] = {
        "policy_number": "PDAA202431010000123456",
        "plate": "沪A12345",
        "vin": "LSVAU2180N2123456",
        "vehicle_class": None,
        "accident_at": datetime(2026, 11, 20, 8, 30, tzinfo=UTC),
        "place": "上海市浦东新区世纪大道100号",
        "cause": "collision",
        "description": "Rear-ended at a traffic light.",
        "injury": False,
        "third_parties": [{"plate": "沪B54321", "name": "李四"}],
        "reporter": {"name": "张三", "phone": "13812345678"},
        "payee": {"kind": "repair_shop", "shop_name": "浦东汽修", "shop_id": "SHOP-001"},
        "region": "shanghai",
    }
    values.update(overrides)
    return NewClaim(**values)  # type: ignore[arg-type]


def new_photo(seed: int) -> NewPhoto:
    digest = hashlib.sha256(str(seed).encode()).hexdigest()
    return NewPhoto(
        filename=f"photo-{seed}.jpg",
        content_type="image/jpeg",
        sha256=digest,
        size=1000 + seed,
        width=64,
        height=48,
        phash=digest[:16],
        captured_at=None,
    )
