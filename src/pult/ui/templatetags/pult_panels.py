"""`{% panel p %}`: draw one registered panel (see `pult.ui.panels`).

Like `{% include %}`, the panel's template sees the page's context (the user, the
workspace's words, `item`), plus its own names for the length of its template only.
"""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from pult.ui.panels import DrawnPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context: Context, drawn: DrawnPanel) -> SafeString:
    assert context.template is not None
    page = context.template.engine.get_template(drawn.template)
    with context.push(drawn.context):
        return page.render(context)
