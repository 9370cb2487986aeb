"""Use cases. Services own transactions and are the only callers of `store`."""

from examprep.services.context import Context, open_context
from examprep.services.database import UpgradeResult, upgrade_database
from examprep.services.overview import Overview, overview
from examprep.services.packs import CheckReport, check_pack, load_pack_for, pack_stats

__all__ = [
    "CheckReport",
    "Context",
    "Overview",
    "UpgradeResult",
    "check_pack",
    "load_pack_for",
    "open_context",
    "overview",
    "pack_stats",
    "upgrade_database",
]
