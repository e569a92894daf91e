"""Error pages that never reveal data: the shell and one sentence."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "ui/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "ui/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/500.html", {}, status=500)
