"""Whether a reader may see what a notification is about: a rule the layers above fill in.

``notifications`` knows nothing of work items, matters or documents (DESIGN.md, Layers). The ledger
(``workload``) registers, at start-up, one checker that answers for a reader and some targets
(content type id, object id) which of them the reader may see; every path that shows a notification
(centre, API, e-mail, robot message, admin) asks ``visible_targets`` before showing its title.
"""

from collections.abc import Callable, Iterable
from typing import Any

TargetRef = tuple[int, int]
Checker = Callable[[Any, frozenset[TargetRef]], set[TargetRef]]

_checker: Checker | None = None


def set_checker(checker: Checker) -> None:
    """Called once by the ledger's ``AppConfig.ready``."""
    global _checker
    _checker = checker


def visible_targets(user: Any, refs: Iterable[TargetRef]) -> set[TargetRef]:
    """The subset of ``refs`` that ``user`` may see. Without a registered rule nothing is visible."""
    wanted = frozenset(refs)
    if not wanted:
        return set()
    if _checker is None:
        return set()
    return _checker(user, wanted)


def may_see(user: Any, content_type_id: int | None, object_id: int | None) -> bool:
    """One target; a notification without a target (a general notice) is always visible."""
    if content_type_id is None or object_id is None:
        return True
    return (content_type_id, object_id) in visible_targets(user, [(content_type_id, object_id)])
