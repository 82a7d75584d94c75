"""`{% slot "name" %}`: the templates higher apps registered for a slot, rendered with the
page's context (tongban.core.extensions)."""

from django import template
from django.template.loader import get_template
from django.utils.html import format_html_join

from tongban.core import extensions

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    request = context.get("request")
    values = context.flatten()
    return format_html_join(
        "",
        "{}",
        ((get_template(t).render(values, request),) for t in extensions.templates(name)),
    )
