"""A neutral View → HTML, as adapters/slack/blocks.py makes Block Kit of it: text with mentions as @Name, fields as a
definition list, charts as inline SVG with a table of their values, buttons and forms as HTML forms that post the
command they stand for (with the session's CSRF token) to /dashboard/act."""

from __future__ import annotations

import itertools

from markupsafe import Markup, escape

from adapters.web.svg import legend, render_svg
from bot.kernel.views import Buttons, Chart, Divider, Fields, Form, Input, Text, View, plain_mentions

ACT = "/dashboard/act"


class Renderer:
    """Renders the views of one page; `csrf` goes into every form."""

    def __init__(self, csrf: str) -> None:
        self.csrf = csrf
        self._ids = itertools.count(1)

    def view(self, view: View, *, heading: str = "h2") -> Markup:
        css = "view error" if view.is_error else "view"
        parts = [f'<section class="{css}">']
        if view.title:
            parts.append(f"<{heading}>{text(view.title)}</{heading}>")
        for block in view.blocks:
            parts.append(self.block(block, view))
        parts.extend(f'<p class="error" role="alert">{text(message)}</p>' for message in view.field_errors.values())
        parts.append("</section>")
        return Markup("".join(parts))

    def block(self, block: object, view: View) -> str:
        if isinstance(block, Text):
            return f"<p>{text(block.text)}</p>"
        if isinstance(block, Fields):
            rows = "".join(f"<div><dt>{text(label)}</dt><dd>{text(value)}</dd></div>" for label, value in block.fields)
            return f'<dl class="fields">{rows}</dl>'
        if isinstance(block, Divider):
            return "<hr>"
        if isinstance(block, Chart):
            return self.chart(block)
        if isinstance(block, Buttons):
            return '<div class="buttons">' + "".join(
                self.command_form(button.command, button.label, button.style) for button in block.buttons) + "</div>"
        if isinstance(block, Form):
            return self.form(block, view)
        return ""

    def chart(self, chart: Chart) -> str:
        key = "".join(f'<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" '
                      f'fill="{colour}"/></svg> {escape(name)}</li>' for colour, name in legend(chart))
        head = "".join(f"<th scope='col'>{escape(label)}</th>" for label in chart.labels)
        rows = "".join(f"<tr><th scope='row'>{escape(name)}</th>" + "".join(
            f"<td>{'–' if value is None else f'{value:g}'}</td>" for value in points) + "</tr>"
            for name, points in chart.series)
        return (f'<figure class="chart-box">{render_svg(chart, f"chart-{next(self._ids)}")}'
                f'<figcaption>{escape(chart.title)}<ul class="legend">{key}</ul></figcaption>'
                f'<details><summary>{escape(chart.title)}</summary><table><tr><td></td>{head}</tr>{rows}</table>'
                f'</details></figure>')

    def command_form(self, command: str, label: str, style: str = "default") -> str:
        return (f'<form method="post" action="{ACT}" class="inline">{self.hidden(command)}'
                f'<button type="submit" class="{escape(style)}">{escape(label)}</button></form>')

    def hidden(self, command: str) -> str:
        return (f'<input type="hidden" name="csrf" value="{escape(self.csrf)}">'
                f'<input type="hidden" name="command" value="{escape(command)}">')

    def form(self, form: Form, view: View) -> str:
        fields = "".join(self.input(field, view.field_errors.get(field.name)) for field in form.inputs)
        return (f'<form method="post" action="{ACT}" class="form"><h3>{escape(form.title)}</h3>'
                f'{self.hidden(form.command)}{fields}<button type="submit" class="primary">'
                f'{escape(form.submit_label)}</button></form>')

    def input(self, field: Input, error: str | None) -> str:
        ident = f"f-{next(self._ids)}-{escape(field.name)}"
        name = f"v.{escape(field.name)}"
        required = "" if field.optional else " required"
        hint = f'<small id="{ident}-hint">{escape(field.hint)}</small>' if field.hint else ""
        described = f' aria-describedby="{ident}-hint"' if field.hint else ""
        if field.kind == "choice":
            options = "".join(f'<option value="{escape(value)}"{" selected" if value == field.value else ""}>'
                              f"{escape(label)}</option>" for value, label in field.options)
            control = f'<select id="{ident}" name="{name}"{required}{described}>{options}</select>'
        elif field.kind == "multiline":
            control = f'<textarea id="{ident}" name="{name}"{required}{described}>{escape(field.value)}</textarea>'
        else:
            control = f'<input id="{ident}" name="{name}" value="{escape(field.value)}"{required}{described}>'
        problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
        return f'<div class="input"><label for="{ident}">{escape(field.label)}</label>{control}{hint}{problem}</div>'


def text(value: str) -> Markup:
    """Escaped, mentions as @Name, line breaks kept."""
    return Markup("<br>").join(escape(line) for line in plain_mentions(value).split("\n"))
