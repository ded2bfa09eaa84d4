"""The OpenAPI 3.1 document of /api/v1, built from the API's own endpoint table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    where: str  # "path" or "query"
    description: str
    type: str = "string"
    required: bool = False


class EndpointLike(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def params(self) -> tuple[Param, ...]: ...
    @property
    def admin(self) -> bool: ...
    @property
    def body(self) -> dict[str, Any] | None: ...


def _operation(e: EndpointLike) -> dict[str, Any]:
    problem = {
        "description": "problem details",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    op: dict[str, Any] = {
        "summary": e.summary,
        "operationId": f"{e.method.lower()}_{e.path.strip('/').replace('/', '_')}".replace("{", "")
        .replace("}", "")
        .replace(".", "_"),
        "parameters": [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "description": p.description,
                "schema": {"type": p.type},
            }
            for p in e.params
        ],
        "responses": {"200": {"description": "OK"}, "4XX": problem, "5XX": problem},
    }
    if e.admin:
        op["security"] = [{"bearerAuth": []}]
    if e.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {k: {"type": v} for k, v in e.body.items()},
                    }
                }
            },
        }
    return op


def openapi_document(endpoints: Iterable[EndpointLike]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        paths.setdefault(e.path, {})[e.method.lower()] = _operation(e)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "akhbar API",
            "version": "1",
            "description": "Arabic news aggregator: articles, stories, tags, sources, search.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
