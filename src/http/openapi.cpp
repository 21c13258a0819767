#include "http/openapi.h"

#include <utility>

#include "common/name_rules.h"

namespace edgepix::http {
namespace {

// The name rules are defined once (common/name_rules.h); the document quotes them.
std::string WithNameRules(std::string doc) {
  const std::pair<std::string, std::string> rules[] = {
      {"@IMAGE_ID_PATTERN@", "^" + ImageIdPattern() + "$"},
      {"@VARIANT_NAME_PATTERN@", "^" + VariantNamePattern() + "$"}};
  for (const auto& [placeholder, pattern] : rules) {
    for (size_t at = doc.find(placeholder); at != std::string::npos; at = doc.find(placeholder)) {
      doc.replace(at, placeholder.size(), pattern);
    }
  }
  return doc;
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string doc = WithNameRules(R"openapi({
  "openapi": "3.0.3",
  "info": {
    "title": "edgepix",
    "version": "0.1.0",
    "description": "Upload images, follow their processing jobs, fetch WebP variants. Every error is {\"error\":{\"code\",\"message\"}}. Paths containing '..' segments, backslashes, '%' after decoding, '//' or control/non-ASCII bytes get 400 bad_path on every route. With --token/--jwt-secret, routes marked with bearerAuth need 'Authorization: Bearer <token or HS256 JWT>'; with --private, media needs the bearer token or a signed URL (exp + sig). Every answer carries X-Request-Id and X-Content-Type-Options: nosniff."
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "static token or HS256 JWT", "description": "Required only when the server runs with --token, --token-file, EDGEPIX_TOKEN or --jwt-secret."},
      "signedUrl": {"type": "apiKey", "in": "query", "name": "sig", "description": "With --private: base64url HMAC-SHA256 of '<path>\\n<exp>'; job JSON carries ready-made signed URLs."}
    },
    "parameters": {
      "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "@IMAGE_ID_PATTERN@"}},
      "exp": {"name": "exp", "in": "query", "required": false, "schema": {"type": "integer"}, "description": "Signed URL expiry, Unix seconds (--private)."},
      "sig": {"name": "sig", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Signed URL signature (--private)."}
    },
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
      "Variant": {"type": "object", "required": ["name", "url"], "properties": {"name": {"type": "string"}, "url": {"type": "string"}, "width": {"type": "integer"}, "height": {"type": "integer"}, "bytes": {"type": "integer"}}},
      "Job": {"type": "object", "required": ["id", "status", "version"], "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["PENDING", "PROCESSING", "COMPLETED", "FAILED"]},
        "version": {"type": "integer"},
        "filename": {"type": "string"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
        "original": {"type": "object", "properties": {"url": {"type": "string"}, "bytes": {"type": "integer"}, "format": {"type": "string"}, "width": {"type": "integer"}, "height": {"type": "integer"}, "sha256": {"type": "string"}}},
        "metadata": {"type": "object", "description": "taken_at, camera {make, model}, gps {lat, lon}, orientation (null when unknown)"},
        "variants": {"type": "array", "items": {"$ref": "#/components/schemas/Variant"}},
        "error": {"nullable": true, "type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
      "UploadResult": {"type": "object", "required": ["jobs"], "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}, "errors": {"type": "array", "items": {"type": "object", "properties": {"filename": {"type": "string"}, "error": {"type": "object"}}}}}},
      "JobList": {"type": "object", "required": ["jobs", "next"], "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}, "next": {"type": "string", "nullable": true}}}
    },
    "responses": {
      "BadRequest": {"description": "malformed request (bad_request, bad_path)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "missing or invalid credentials (unauthorized); with WWW-Authenticate: Bearer", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotFound": {"description": "unknown id or route (not_found), variant not made yet (not_ready, with Retry-After)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotModified": {"description": "If-None-Match matched the ETag"}
    }
  },
  "paths": {
    "/api/uploads": {
      "post": {
        "summary": "Upload images (multipart field 'file', repeatable; or a raw body with ?filename=)",
        "security": [{"bearerAuth": []}],
        "parameters": [{"name": "filename", "in": "query", "required": false, "schema": {"type": "string"}, "description": "raw-body uploads only; metadata, never a path"}],
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}, "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": {
          "202": {"description": "accepted: each original is durable and its job committed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadResult"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "408": {"description": "request_timeout (body slower than --min-body-rate)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "413": {"description": "too_large", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "415": {"description": "unsupported_format (only JPEG, PNG, GIF, BMP, WebP, sniffed from the bytes)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "422": {"description": "too_many_pixels or undecodable header", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "503": {"description": "queue_full or busy, with Retry-After", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "507": {"description": "disk_full", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/jobs": {
      "get": {
        "summary": "List jobs, newest first",
        "security": [{"bearerAuth": []}],
        "parameters": [
          {"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["PENDING", "PROCESSING", "COMPLETED", "FAILED"]}},
          {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
          {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}}
        ],
        "responses": {
          "200": {"description": "a page of jobs", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/api/jobs/{id}": {
      "get": {
        "summary": "One job; with wait (and since) a long-poll. Protected when a token is set: it exposes GPS metadata.",
        "security": [{"bearerAuth": []}],
        "parameters": [
          {"$ref": "#/components/parameters/id"},
          {"name": "wait", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "maximum": 3600}, "description": "seconds to wait (capped at 60)"},
          {"name": "since", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}, "description": "return when version differs from this"}
        ],
        "responses": {
          "200": {"description": "the job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/api/jobs/{id}/events": {
      "get": {
        "summary": "Server-Sent Events: 'status' events with the job, closes after COMPLETED/FAILED; 'deleted' if removed",
        "security": [{"bearerAuth": []}],
        "parameters": [{"$ref": "#/components/parameters/id"}],
        "responses": {
          "200": {"description": "event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/api/images/{id}": {
      "delete": {
        "summary": "Remove the original, every variant and the job",
        "security": [{"bearerAuth": []}],
        "parameters": [{"$ref": "#/components/parameters/id"}],
        "responses": {
          "204": {"description": "deleted"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/v/{id}/{variant}.webp": {
      "get": {
        "summary": "A WebP variant, immutable (private caching with --private)",
        "security": [{}, {"bearerAuth": []}, {"signedUrl": []}],
        "parameters": [
          {"$ref": "#/components/parameters/id"},
          {"name": "variant", "in": "path", "required": true, "schema": {"type": "string", "pattern": "@VARIANT_NAME_PATTERN@"}},
          {"$ref": "#/components/parameters/exp"},
          {"$ref": "#/components/parameters/sig"}
        ],
        "responses": {
          "200": {"description": "the variant, with ETag", "content": {"image/webp": {"schema": {"type": "string", "format": "binary"}}}},
          "304": {"$ref": "#/components/responses/NotModified"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/o/{id}": {
      "get": {
        "summary": "The original as uploaded (sniffed type, nosniff, Content-Disposition with the client's filename sanitised)",
        "security": [{}, {"bearerAuth": []}, {"signedUrl": []}],
        "parameters": [{"$ref": "#/components/parameters/id"}, {"$ref": "#/components/parameters/exp"}, {"$ref": "#/components/parameters/sig"}],
        "responses": {
          "200": {"description": "the original", "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}, "image/png": {"schema": {"type": "string", "format": "binary"}}, "image/gif": {"schema": {"type": "string", "format": "binary"}}, "image/bmp": {"schema": {"type": "string", "format": "binary"}}, "image/webp": {"schema": {"type": "string", "format": "binary"}}}},
          "304": {"$ref": "#/components/responses/NotModified"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/healthz": {
      "get": {
        "summary": "Liveness",
        "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}, "workers": {"type": "integer"}, "busy_workers": {"type": "integer"}}}}}}}
      }
    },
    "/readyz": {
      "get": {
        "summary": "Readiness: the database accepts a write and the disk has more than --min-free-mb free",
        "responses": {
          "200": {"description": "ready", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}, "checks": {"type": "object"}}}}}},
          "503": {"description": "not_ready, with the failing check and Retry-After", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus text exposition format 0.0.4",
        "security": [{"bearerAuth": []}],
        "responses": {
          "200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/api/openapi.json": {
      "get": {
        "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    },
    "/": {
      "get": {
        "summary": "The upload page (with a Content-Security-Policy)",
        "responses": {
          "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
          "304": {"$ref": "#/components/responses/NotModified"}
        }
      }
    },
    "/{asset}": {
      "get": {
        "summary": "The upload page's files (.html, .css, .js, .svg, .png, .ico, .json)",
        "parameters": [{"name": "asset", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\\.(html|css|js|svg|png|ico|json)$"}}],
        "responses": {
          "200": {"description": "the file", "content": {"text/html": {"schema": {"type": "string"}}, "text/css": {"schema": {"type": "string"}}, "text/javascript": {"schema": {"type": "string"}}, "image/svg+xml": {"schema": {"type": "string"}}, "image/png": {"schema": {"type": "string", "format": "binary"}}, "image/x-icon": {"schema": {"type": "string", "format": "binary"}}, "application/json": {"schema": {"type": "object"}}}},
          "304": {"$ref": "#/components/responses/NotModified"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    }
  }
}
)openapi");
  return doc;
}

}  // namespace edgepix::http
