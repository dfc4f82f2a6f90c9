"""The URLconf walk the URL sweeps share: every pattern of the root URLconf, its full name and a
sample path with each path converter filled (tests/test_login_required.py,
tests/test_visibility_matrix.py)."""

import re
import uuid
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

CONVERTER_SAMPLES = {
    IntConverter: "1",
    StringConverter: "sample",
    SlugConverter: "sample-slug",
    UUIDConverter: str(uuid.UUID(int=1)),
    PathConverter: "sample/path",
}


def _route_sample(pattern: RoutePattern) -> str:
    route = str(pattern._route)

    def fill(match: re.Match[str]) -> str:
        converter = pattern.converters[match.group("name")]
        for kind, sample in CONVERTER_SAMPLES.items():
            if isinstance(converter, kind):
                return sample
        raise AssertionError(f"No sample value for converter {converter!r} in {route!r}; add one to this test.")

    return re.sub(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>", fill, route)


def _regex_sample(pattern: RegexPattern) -> str:
    regex = str(pattern._regex)

    def fill(match: re.Match[str]) -> str:
        body = match.group("body")
        if re.fullmatch(r"[\w|-]+", body):  # an alternation of literals: take the first
            return body.split("|")[0]
        return "1" if "\\d" in body else "sample"

    sample = re.sub(r"\(\?P<\w+>(?P<body>[^()]*)\)", fill, regex)
    sample = sample.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    sample = re.sub(r"\\(.)", r"\1", sample)
    if not re.match(regex, sample):
        raise AssertionError(f"Could not build a sample path for {regex!r}; add a case to this test.")
    return sample


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(full URL name, sample path) of every pattern below ``resolver``."""
    for name, path, _ in walk_with_parameters(resolver, prefix, namespace):
        yield name, path


def _parameters(pattern: RoutePattern | RegexPattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def walk_with_parameters(
    resolver: URLResolver, prefix: str = "", namespace: str = "", parameters: tuple[str, ...] = ()
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(full URL name, sample path, names of its path parameters) of every pattern below ``resolver``."""
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        piece = _route_sample(pattern) if isinstance(pattern, RoutePattern) else _regex_sample(pattern)
        found = parameters + _parameters(pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk_with_parameters(entry, prefix + piece, inner, found)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {prefix + piece}>"
            yield name, "/" + prefix + piece, found
