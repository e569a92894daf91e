"""The pipeline editor's routes. Each kind of row — the engine's (`row_views.KINDS`) and
each section's (`sections.registered()`, filled in the apps' `ready()`, before any URL
is resolved) — gets three: `<path>/new/`, `<path>/<row id>/` and `<path>/<row id>/delete/`,
named `<route>_new`, `<route>_edit` and `<route>_delete` (`sections.RowPages`)."""

from django.urls import URLPattern, path

from pult.pipelines import row_views, sections, views
from pult.pipelines.sections import RowPages

app_name = "pipelines"


def _row_paths(kind: RowPages) -> list[URLPattern]:
    new, edit, delete = row_views.row_views(kind)
    base = f"pipelines/<int:type_id>/{kind.path}/"
    row = f"{base}<int:{kind.row_arg}>/"
    return [
        path(f"{base}new/", new, name=f"{kind.route}_new"),
        path(row, edit, name=f"{kind.route}_edit"),
        path(f"{row}delete/", delete, name=f"{kind.route}_delete"),
    ]


_kinds = [
    *row_views.KINDS,
    *(section.pages for section in sections.registered() if section.pages),
]

urlpatterns = [
    path("pipelines/", views.pipeline_list, name="list"),
    path("pipelines/<int:type_id>/", views.pipeline_detail, name="detail"),
    path("pipelines/<int:type_id>/export.json", views.pipeline_export, name="export"),
    path("pipelines/<int:type_id>/policy/", views.pipeline_policy, name="policy"),
    *(route for kind in _kinds for route in _row_paths(kind)),
]
