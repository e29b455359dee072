"""Knowledge-base articles on devices (pull only): a technician's device keeps the published
articles about the devices at their schools (`knowledge.scope.for_technician`), so the device
page shows the known issues of its model and the search works with no signal. An article that
is withdrawn, returned to draft or no longer about any of their devices leaves the device as
`out_of_scope`. Office roles pull every article (the field app shows them published ones only).
"""
from __future__ import annotations

from webapp.knowledge.models import Article
from webapp.knowledge.scope import for_technician

from ..registry import SHARED, register_kind

register_kind(
    "kb_article",
    Article,
    record_type=SHARED,
    customer_column=None,
    relevant=for_technician,
    description="A hard-fault article of the knowledge base: symptoms, cause, solution, steps, the category, brand "
                "and models it applies to. Pull only.",
)
