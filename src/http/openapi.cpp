// The document is kept as JSON text here, the one place it is written; tests
// validate real answers against it with python3-jsonschema (tests/openapi/).
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
 "openapi": "3.1.0",
 "info": {
  "title": "edgepix",
  "version": "0.1.0",
  "description": "Upload images, follow their processing jobs, fetch WebP variants. Every error is {\"error\":{\"code\",\"message\"}}. Paths containing '..' segments, backslashes, '%' after decoding, '//' or control/non-ASCII bytes get 400 bad_path on every route. A known path asked with a method it does not have gets 405 method_not_allowed with Allow. With --token/--jwt-secret, routes marked with bearerAuth need 'Authorization: Bearer <token or HS256 JWT>'; with --private, media needs the bearer token or a signed URL (exp + sig). Any route may answer 503 busy (too many open connections, with Retry-After) or 408 request_timeout (a client too slow to send its request). Every answer carries X-Request-Id and X-Content-Type-Options: nosniff."
 },
 "components": {
  "securitySchemes": {
   "bearerAuth": {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "static token or HS256 JWT (exp required unless --jwt-allow-no-exp)",
    "description": "Required only when the server runs with --token-file, EDGEPIX_TOKEN, --token or --jwt-secret."
   },
   "signedUrl": {
    "type": "apiKey",
    "in": "query",
    "name": "sig",
    "description": "With --private: base64url HMAC-SHA256 of '<path>\\n<exp>'; job JSON carries ready-made signed URLs."
   }
  },
  "parameters": {
   "id": {
    "name": "id",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string",
     "pattern": "@IMAGE_ID_PATTERN@"
    }
   },
   "exp": {
    "name": "exp",
    "in": "query",
    "required": false,
    "schema": {
     "type": "integer"
    },
    "description": "Signed URL expiry, Unix seconds (--private)."
   },
   "sig": {
    "name": "sig",
    "in": "query",
    "required": false,
    "schema": {
     "type": "string"
    },
    "description": "Signed URL signature (--private)."
   }
  },
  "schemas": {
   "ErrorDetail": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "code",
     "message"
    ],
    "properties": {
     "code": {
      "type": "string",
      "pattern": "^[a-z_]+$",
      "description": "bad_request, bad_path, unauthorized, not_found, not_ready, method_not_allowed, request_timeout, too_large, unsupported_format, too_many_pixels, undecodable, queue_full, busy, disk_full, internal, ..."
     },
     "message": {
      "type": "string"
     }
    }
   },
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "$ref": "#/components/schemas/ErrorDetail"
     },
     "checks": {
      "$ref": "#/components/schemas/Checks"
     }
    },
    "description": "Every error answer. /readyz adds the checks it ran."
   },
   "Checks": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "database",
     "disk"
    ],
    "properties": {
     "database": {
      "type": "string",
      "description": "'ok' or what failed"
     },
     "disk": {
      "type": "string",
      "description": "'ok' or what failed"
     }
    }
   },
   "Variant": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "name",
     "url",
     "width",
     "height",
     "bytes"
    ],
    "properties": {
     "name": {
      "type": "string",
      "pattern": "@VARIANT_NAME_PATTERN@"
     },
     "url": {
      "type": "string",
      "description": "/v/{id}/{name}.webp; signed (?exp=&sig=) with --private"
     },
     "width": {
      "type": "integer",
      "minimum": 1
     },
     "height": {
      "type": "integer",
      "minimum": 1
     },
     "bytes": {
      "type": "integer",
      "minimum": 1
     }
    }
   },
   "Original": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "url",
     "bytes",
     "format",
     "width",
     "height",
     "sha256"
    ],
    "description": "As stored. format, width and height come from the file's header at upload (null where the header does not give them, e.g. PNG and GIF until processed); sha256 once processed.",
    "properties": {
     "url": {
      "type": "string",
      "description": "/o/{id}; signed with --private"
     },
     "bytes": {
      "type": "integer",
      "minimum": 0
     },
     "format": {
      "type": [
       "string",
       "null"
      ],
      "enum": [
       "jpeg",
       "png",
       "gif",
       "bmp",
       "webp",
       "heic",
       "avif",
       "heif",
       null
      ]
     },
     "width": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 1
     },
     "height": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 1
     },
     "sha256": {
      "type": [
       "string",
       "null"
      ],
      "pattern": "^[0-9a-f]{64}$"
     }
    }
   },
   "Metadata": {
    "type": "object",
    "additionalProperties": false,
    "description": "EXIF facts, filled when the job is processed ({} before); null where the file does not say.",
    "properties": {
     "taken_at": {
      "type": [
       "string",
       "null"
      ],
      "description": "EXIF DateTimeOriginal as local time, e.g. 2024-05-01T12:34:56"
     },
     "camera": {
      "oneOf": [
       {
        "type": "null"
       },
       {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "make",
         "model"
        ],
        "properties": {
         "make": {
          "type": [
           "string",
           "null"
          ]
         },
         "model": {
          "type": [
           "string",
           "null"
          ]
         }
        }
       }
      ]
     },
     "gps": {
      "oneOf": [
       {
        "type": "null"
       },
       {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "lat",
         "lon"
        ],
        "properties": {
         "lat": {
          "type": "number",
          "minimum": -90,
          "maximum": 90
         },
         "lon": {
          "type": "number",
          "minimum": -180,
          "maximum": 180
         }
        }
       }
      ]
     },
     "orientation": {
      "type": "integer",
      "minimum": 0,
      "maximum": 8,
      "description": "EXIF orientation 1..8 (0 or 1 when absent); variants are already upright"
     }
    }
   },
   "Job": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "status",
     "version",
     "filename",
     "created_at",
     "updated_at",
     "original",
     "metadata",
     "variants",
     "error"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "@IMAGE_ID_PATTERN@"
     },
     "status": {
      "type": "string",
      "enum": [
       "PENDING",
       "PROCESSING",
       "COMPLETED",
       "FAILED"
      ]
     },
     "version": {
      "type": "integer",
      "minimum": 1,
      "description": "grows by one on every change"
     },
     "filename": {
      "type": "string",
      "maxLength": 255,
      "description": "the client's name, cleaned and cut to 255 bytes; metadata only"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     },
     "original": {
      "$ref": "#/components/schemas/Original"
     },
     "metadata": {
      "$ref": "#/components/schemas/Metadata"
     },
     "variants": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Variant"
      }
     },
     "error": {
      "oneOf": [
       {
        "type": "null"
       },
       {
        "$ref": "#/components/schemas/ErrorDetail"
       }
      ],
      "description": "why the job FAILED, else null"
     }
    }
   },
   "UploadResult": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "jobs"
    ],
    "properties": {
     "jobs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Job"
      }
     },
     "errors": {
      "type": "array",
      "description": "files of the same request that were refused",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "filename",
        "error"
       ],
       "properties": {
        "filename": {
         "type": "string"
        },
        "error": {
         "$ref": "#/components/schemas/ErrorDetail"
        }
       }
      }
     }
    }
   },
   "JobList": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "jobs",
     "next"
    ],
    "properties": {
     "jobs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Job"
      }
     },
     "next": {
      "type": [
       "string",
       "null"
      ],
      "description": "cursor of the next page, null on the last"
     }
    }
   },
   "Health": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "status",
     "workers",
     "busy_workers"
    ],
    "properties": {
     "status": {
      "const": "ok"
     },
     "workers": {
      "type": "integer",
      "minimum": 0
     },
     "busy_workers": {
      "type": "integer",
      "minimum": 0
     }
    }
   },
   "Ready": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "status",
     "checks"
    ],
    "properties": {
     "status": {
      "const": "ready"
     },
     "checks": {
      "$ref": "#/components/schemas/Checks"
     }
    }
   }
  },
  "responses": {
   "BadRequest": {
    "description": "malformed request (bad_request, bad_path)",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Unauthorized": {
    "description": "missing or invalid credentials (unauthorized); with WWW-Authenticate: Bearer",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotFound": {
    "description": "unknown id or route (not_found), variant not made yet (not_ready, with Retry-After)",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "MethodNotAllowed": {
    "description": "a known path asked with a method it does not have (method_not_allowed), with Allow",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotModified": {
    "description": "If-None-Match matched the ETag"
   }
  }
 },
 "paths": {
  "/api/uploads": {
   "post": {
    "operationId": "uploadImages",
    "summary": "Upload images (multipart field 'file', repeatable; or a raw body with ?filename=)",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "name": "filename",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "raw-body uploads only; metadata, never a path"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "multipart/form-data": {
       "schema": {
        "type": "object",
        "properties": {
         "file": {
          "type": "array",
          "items": {
           "type": "string",
           "contentMediaType": "application/octet-stream"
          }
         }
        }
       }
      },
      "application/octet-stream": {
       "schema": {
        "type": "string",
        "contentMediaType": "application/octet-stream"
       }
      }
     }
    },
    "responses": {
     "202": {
      "description": "accepted: each original is durable and its job committed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/UploadResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "408": {
      "description": "request_timeout (body slower than --min-body-rate)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "411": {
      "description": "length_required: neither Content-Length nor Transfer-Encoding: chunked",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "too_large",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "415": {
      "description": "unsupported_format (only JPEG, PNG, GIF, BMP, WebP, HEIC/HEIF, AVIF, sniffed from the bytes)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "too_many_pixels or undecodable header",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "description": "queue_full or busy, with Retry-After",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "507": {
      "description": "disk_full",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/jobs": {
   "get": {
    "operationId": "listJobs",
    "summary": "List jobs, newest first",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "PENDING",
        "PROCESSING",
        "COMPLETED",
        "FAILED"
       ]
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 200
      }
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "a page of jobs",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JobList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/jobs/{id}": {
   "get": {
    "operationId": "getJob",
    "summary": "One job; with wait (and since) a long-poll. Protected when a token is set: it exposes GPS metadata.",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/id"
     },
     {
      "name": "wait",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 3600
      },
      "description": "seconds to wait (capped at 60)"
     },
     {
      "name": "since",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0
      },
      "description": "return when version differs from this"
     }
    ],
    "responses": {
     "200": {
      "description": "the job",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/jobs/{id}/events": {
   "get": {
    "operationId": "streamJobEvents",
    "summary": "Server-Sent Events: 'status' events with the job, closes after COMPLETED/FAILED; 'deleted' if removed",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/id"
     }
    ],
    "responses": {
     "200": {
      "description": "event stream; each 'status' event's data is a Job",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/images/{id}": {
   "delete": {
    "operationId": "deleteImage",
    "summary": "Remove the original, every variant and the job",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/id"
     }
    ],
    "responses": {
     "204": {
      "description": "deleted"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/v/{id}/{variant}.webp": {
   "get": {
    "operationId": "getVariant",
    "summary": "A WebP variant, immutable (private caching with --private)",
    "security": [
     {},
     {
      "bearerAuth": []
     },
     {
      "signedUrl": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/id"
     },
     {
      "name": "variant",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "@VARIANT_NAME_PATTERN@"
      }
     },
     {
      "$ref": "#/components/parameters/exp"
     },
     {
      "$ref": "#/components/parameters/sig"
     }
    ],
    "responses": {
     "200": {
      "description": "the variant, with ETag",
      "content": {
       "image/webp": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/webp"
        }
       }
      }
     },
     "304": {
      "$ref": "#/components/responses/NotModified"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/o/{id}": {
   "get": {
    "operationId": "getOriginal",
    "summary": "The original as uploaded (sniffed type, nosniff, Content-Disposition with the client's filename sanitised)",
    "security": [
     {},
     {
      "bearerAuth": []
     },
     {
      "signedUrl": []
     }
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/id"
     },
     {
      "$ref": "#/components/parameters/exp"
     },
     {
      "$ref": "#/components/parameters/sig"
     }
    ],
    "responses": {
     "200": {
      "description": "the original",
      "content": {
       "image/jpeg": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/jpeg"
        }
       },
       "image/png": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/png"
        }
       },
       "image/gif": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/gif"
        }
       },
       "image/bmp": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/bmp"
        }
       },
       "image/webp": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/webp"
        }
       }
      }
     },
     "304": {
      "$ref": "#/components/responses/NotModified"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/healthz": {
   "get": {
    "operationId": "getHealth",
    "summary": "Liveness",
    "security": [],
    "responses": {
     "200": {
      "description": "alive",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/readyz": {
   "get": {
    "operationId": "getReadiness",
    "summary": "Readiness: the database accepts a write and the disk has more than --min-free-mb free",
    "security": [],
    "responses": {
     "200": {
      "description": "ready",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Ready"
        }
       }
      }
     },
     "503": {
      "description": "not_ready, with the checks and Retry-After",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "getMetrics",
    "summary": "Prometheus text exposition format 0.0.4",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "responses": {
     "200": {
      "description": "metrics",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/openapi.json": {
   "get": {
    "operationId": "getOpenApi",
    "summary": "This document",
    "security": [],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1 document",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "openapi",
          "info",
          "paths"
         ]
        }
       }
      }
     }
    }
   }
  },
  "/": {
   "get": {
    "operationId": "getUploadPage",
    "summary": "The upload page (with a Content-Security-Policy)",
    "security": [],
    "responses": {
     "200": {
      "description": "HTML",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "$ref": "#/components/responses/NotModified"
     }
    }
   }
  },
  "/{asset}": {
   "get": {
    "operationId": "getAsset",
    "summary": "The upload page's files (.html, .css, .js, .svg, .png, .ico, .json)",
    "security": [],
    "parameters": [
     {
      "name": "asset",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\\.(html|css|js|svg|png|ico|json)$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "the file",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       },
       "text/css": {
        "schema": {
         "type": "string"
        }
       },
       "text/javascript": {
        "schema": {
         "type": "string"
        }
       },
       "image/svg+xml": {
        "schema": {
         "type": "string"
        }
       },
       "image/png": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/png"
        }
       },
       "image/x-icon": {
        "schema": {
         "type": "string",
         "contentMediaType": "image/x-icon"
        }
       },
       "application/json": {
        "schema": {}
       }
      }
     },
     "304": {
      "$ref": "#/components/responses/NotModified"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  }
 }
}
)openapi");
  return doc;
}

}  // namespace edgepix::http
