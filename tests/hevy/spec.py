"""Validating bodies against Hevy's own OpenAPI document (read from ../shared, never copied)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator


def _convert(node: Any, *, strict: bool) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable`, the stray `"type": "enum"`, and strictness."""
    if isinstance(node, list):
        return [_convert(item, strict=strict) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: _convert(v, strict=strict) for k, v in node.items() if k not in ("nullable", "example")
    }
    if out.get("type") == "enum":
        out["type"] = "string"
    if strict and out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _apply_known_deviations(doc: dict[str, Any]) -> None:
    """Where the real API (HEVY.md, the real snapshot) differs from its own spec, trust the API."""
    schemas = doc["components"]["schemas"]
    # Workouts not started from a routine carry `routine_id: null` (16 in the real snapshot).
    schemas["Workout"]["properties"]["routine_id"]["nullable"] = True
    # Routine `rest_seconds` is an integer on the wire; the spec says string.
    exercise = schemas["Routine"]["properties"]["exercises"]["items"]["properties"]
    exercise["rest_seconds"] = {"type": "integer", "nullable": True}


class HevySpec:
    """Request and response schemas of `openapi.json`; requests are checked strictly."""

    def __init__(self, path: Path) -> None:
        self.doc = json.loads(path.read_text())
        _apply_known_deviations(self.doc)
        self._loose = _convert(self.doc["components"], strict=False)
        self._strict = _convert(self.doc["components"], strict=True)

    def _operation(self, method: str, path: str) -> dict[str, Any]:
        return self.doc["paths"][path][method.lower()]

    def check_response(self, method: str, path: str, status: int, body: Any) -> None:
        """Raise unless `body` fits the documented response (extra fields allowed, as Hevy adds)."""
        response = self._operation(method, path)["responses"][str(status)]
        schema = response["content"]["application/json"]["schema"]
        self._validate(_convert(schema, strict=False), self._loose, body)

    def check_request(self, method: str, path: str, body: Any) -> None:
        """Raise unless `body` fits the documented request exactly (no undocumented fields)."""
        schema = self._operation(method, path)["requestBody"]["content"]["application/json"]
        self._validate(_convert(schema["schema"], strict=True), self._strict, body)

    def check_schema(self, name: str, body: Any) -> None:
        """Raise unless `body` fits component schema `name` (extra fields allowed)."""
        self._validate({"$ref": f"#/components/schemas/{name}"}, self._loose, body)

    @staticmethod
    def _validate(schema: dict[str, Any], components: dict[str, Any], body: Any) -> None:
        Draft7Validator({**schema, "components": components}).validate(body)
