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
  "description": "Upload images, follow their processing jobs, fetch WebP variants. Every error is {\"error\":{\"code\",\"message\"}}. Paths containing '..' segments, backslashes, '%' after decoding, '//' or control/non-ASCII bytes get 400 bad_path on every route. A known path asked with a method it does not have gets 405 method_not_allowed with Allow. With --token/--jwt-secret, routes marked with bearerAuth need 'Authorization: Bearer <token or HS256 JWT>'; with --private, media needs the bearer token or a signed URL (exp + sig). With a guest code, a guest (cookie from '/?g=CODE') may upload and read its own jobs; other protected routes answer it 403 forbidden. Any route may answer 503 busy (too many open connections, with Retry-After) or 408 request_timeout (a client too slow to send its request). Every answer carries X-Request-Id and X-Content-Type-Options: nosniff."
 },
 "components": {
  "securitySchemes": {
   "bearerAuth": {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "static token or HS256 JWT (exp required unless --jwt-allow-no-exp)",
    "description": "Required only when the server runs with --token-file, EDGEPIX_TOKEN, --token or --jwt-secret."
   },
   "guestCookie": {
    "type": "apiKey",
    "in": "cookie",
    "name": "edgepix_guest",
    "description": "A guest session, set by a guest link '/?g=CODE': uploads, and reads of the jobs that guest uploaded (without GPS)."
   },
   "wallKey": {
    "type": "apiKey",
    "in": "query",
    "name": "k",
    "description": "The wall key (GET /api/wall gives it to the owner): lets a projector's browser stream /api/events (jobs shown as to a guest, without GPS) and draw /api/join.svg, without the token."
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
   "WebhookDelivery": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "type",
     "subject_id",
     "endpoint",
     "status",
     "attempts",
     "last_status",
     "last_error",
     "created_at",
     "next_attempt_at",
     "delivered_at"
    ],
    "description": "One event sent to one endpoint. The webhook request carries the headers webhook-id (this id, the same on every attempt), webhook-timestamp (Unix seconds of the attempt) and webhook-signature (v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>, Standard Webhooks), and the body {type, timestamp, data: the Job or Batch}; an S3 event (--s3-notify) has AWS's S3 event message body instead ({Records: [...]}).",
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^msg_[0-9a-f]+$"
     },
     "type": {
      "type": "string",
      "enum": [
       "job.completed",
       "job.failed",
       "batch.completed",
       "s3:ObjectCreated:Put",
       "s3:ObjectCreated:Copy",
       "s3:ObjectCreated:CompleteMultipartUpload",
       "s3:ObjectRemoved:Delete"
      ]
     },
     "subject_id": {
      "type": "string",
      "description": "the job's or the batch's id; for an S3 event (--s3-notify), bucket/key"
     },
     "endpoint": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "pending",
       "delivered",
       "dead"
      ]
     },
     "attempts": {
      "type": "integer",
      "minimum": 0
     },
     "last_status": {
      "type": [
       "integer",
       "null"
      ],
      "description": "HTTP status of the last answer; null when no attempt got one"
     },
     "last_error": {
      "type": "string"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "next_attempt_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "delivered_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
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
     "batch",
     "version",
     "filename",
     "created_at",
     "updated_at",
     "original",
     "metadata",
     "variants",
     "error",
     "warnings",
     "placeholder",
     "moderation"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "@IMAGE_ID_PATTERN@"
     },
     "moderation": {
      "type": "string",
      "enum": [
       "approved",
       "pending",
       "hidden"
      ],
      "description": "whether the owner lets everyone see it: 'pending' for a guest's upload under --moderate until the owner approves or hides it; only COMPLETED and 'approved' images reach the wall, its event stream and GET /api/download.zip"
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
     "batch": {
      "type": [
       "string",
       "null"
      ],
      "pattern": "@IMAGE_ID_PATTERN@",
      "description": "the batch the upload joined (?batch= or its grant's), null when none"
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
     },
     "warnings": {
      "type": "array",
      "items": {
       "type": "string"
      },
      "description": "what the decode tolerated, e.g. libjpeg's warnings on a damaged JPEG that still decoded (at least half of its rows); empty for a clean image and before COMPLETED"
     },
     "placeholder": {
      "oneOf": [
       {
        "type": "null"
       },
       {
        "$ref": "#/components/schemas/Placeholder"
       }
      ],
      "description": "what to show until the thumb has loaded, once COMPLETED; null before (and for images completed by a version without placeholders)"
     }
    }
   },
   "Placeholder": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "thumbhash"
    ],
    "properties": {
     "thumbhash": {
      "type": "string",
      "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
      "minLength": 8,
      "maxLength": 64,
      "description": "ThumbHash (https://evanw.github.io/thumbhash/) of the smallest variant (its first frame for an animation), standard base64 with padding; decoded by the upload page into a blurred preview"
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
   },
   "BatchSummary": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "status",
     "version",
     "counts",
     "metadata",
     "callback_url",
     "created_at",
     "updated_at",
     "closed_at"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "@IMAGE_ID_PATTERN@"
     },
     "status": {
      "type": "string",
      "enum": [
       "OPEN",
       "PROCESSING",
       "COMPLETED",
       "PARTIAL",
       "FAILED"
      ],
      "description": "OPEN until completed (or --batch-ttl); then PROCESSING while jobs run; COMPLETED (no job failed, an empty batch too), PARTIAL (some failed) or FAILED (all failed), final"
     },
     "version": {
      "type": "integer",
      "minimum": 1,
      "description": "grows on every change of status or counts"
     },
     "counts": {
      "type": "object",
      "additionalProperties": false,
      "required": [
       "total",
       "pending",
       "processing",
       "completed",
       "failed"
      ],
      "properties": {
       "total": {
        "type": "integer",
        "minimum": 0
       },
       "pending": {
        "type": "integer",
        "minimum": 0
       },
       "processing": {
        "type": "integer",
        "minimum": 0
       },
       "completed": {
        "type": "integer",
        "minimum": 0
       },
       "failed": {
        "type": "integer",
        "minimum": 0
       }
      }
     },
     "metadata": {
      "type": [
       "object",
       "null"
      ],
      "description": "the client's JSON given at creation (at most 4 KiB)"
     },
     "callback_url": {
      "type": [
       "string",
       "null"
      ]
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     },
     "closed_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     }
    }
   },
   "Batch": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "status",
     "version",
     "counts",
     "metadata",
     "callback_url",
     "created_at",
     "updated_at",
     "closed_at",
     "jobs",
     "next"
    ],
    "properties": {
     "id": {
      "type": "string",
      "pattern": "@IMAGE_ID_PATTERN@"
     },
     "status": {
      "type": "string",
      "enum": [
       "OPEN",
       "PROCESSING",
       "COMPLETED",
       "PARTIAL",
       "FAILED"
      ],
      "description": "OPEN until completed (or --batch-ttl); then PROCESSING while jobs run; COMPLETED (no job failed, an empty batch too), PARTIAL (some failed) or FAILED (all failed), final"
     },
     "version": {
      "type": "integer",
      "minimum": 1,
      "description": "grows on every change of status or counts"
     },
     "counts": {
      "type": "object",
      "additionalProperties": false,
      "required": [
       "total",
       "pending",
       "processing",
       "completed",
       "failed"
      ],
      "properties": {
       "total": {
        "type": "integer",
        "minimum": 0
       },
       "pending": {
        "type": "integer",
        "minimum": 0
       },
       "processing": {
        "type": "integer",
        "minimum": 0
       },
       "completed": {
        "type": "integer",
        "minimum": 0
       },
       "failed": {
        "type": "integer",
        "minimum": 0
       }
      }
     },
     "metadata": {
      "type": [
       "object",
       "null"
      ],
      "description": "the client's JSON given at creation (at most 4 KiB)"
     },
     "callback_url": {
      "type": [
       "string",
       "null"
      ]
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     },
     "closed_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "jobs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Job"
      },
      "description": "the first page of its jobs, newest first"
     },
     "next": {
      "type": [
       "string",
       "null"
      ],
      "description": "cursor of the next page of its jobs (GET /api/jobs?batch=ID&cursor=...), null on the last"
     }
    }
   },
   "BatchEnvelope": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "batch"
    ],
    "properties": {
     "batch": {
      "$ref": "#/components/schemas/Batch"
     }
    }
   },
   "BatchList": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "batches",
     "next"
    ],
    "properties": {
     "batches": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/BatchSummary"
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
   "UploadGrants": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "grants"
    ],
    "properties": {
     "grants": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "url",
        "expires_at"
       ],
       "properties": {
        "url": {
         "type": "string",
         "pattern": "^/api/uploads\\?grant=[A-Za-z0-9_.-]+$",
         "description": "one upload (one file) without a token"
        },
        "expires_at": {
         "type": "string",
         "format": "date-time"
        }
       }
      }
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
   "Forbidden": {
    "description": "a guest (guest cookie) asking for what only the owner may (forbidden)",
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
    "summary": "Upload images (multipart field 'file', repeatable; or a raw body with ?filename=); with ?grant= one file without a token",
    "security": [
     {
      "bearerAuth": []
     },
     {
      "guestCookie": []
     },
     {}
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
     },
     {
      "name": "batch",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "@IMAGE_ID_PATTERN@"
      },
      "description": "join this OPEN batch (404 unknown, 409 batch_closed)"
     },
     {
      "name": "grant",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "an upload grant's token (POST /api/upload-grants): no bearer token needed; one file, into the grant's batch"
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
     "403": {
      "description": "grant_invalid: the grant is used, expired, tampered or unknown (the message starts with which); forbidden: a guest asked for ?batch=",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "not_found: no such batch",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
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
     "409": {
      "description": "batch_closed: the batch takes no more uploads",
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
      "description": "too_large (over --max-upload-mb, or over the grant's max_bytes)",
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
  "/api/upload-grants": {
   "post": {
    "operationId": "createUploadGrants",
    "summary": "Upload URLs that need no token, each good for one upload before it expires",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "count": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000,
          "default": 1
         },
         "batch": {
          "type": "string",
          "pattern": "@IMAGE_ID_PATTERN@"
         },
         "max_bytes": {
          "type": "integer",
          "minimum": 1
         },
         "expires_in": {
          "type": "integer",
          "minimum": 1,
          "maximum": 86400,
          "default": 900
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "the grants",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/UploadGrants"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "description": "batch_closed",
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
  "/api/batches": {
   "post": {
    "operationId": "createBatch",
    "summary": "A new OPEN batch; uploads join it with ?batch=ID",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "metadata": {
          "type": [
           "object",
           "null"
          ],
          "description": "client JSON, at most 4 KiB"
         },
         "callback_url": {
          "type": [
           "string",
           "null"
          ],
          "description": "http(s) URL told of the batch's events"
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "the batch",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchEnvelope"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "description": "too_large: a JSON body over 64 KiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "callback_not_allowed: a callback_url that starts with no --webhook-allow prefix",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "get": {
    "operationId": "listBatches",
    "summary": "List batches, newest first",
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
        "OPEN",
        "PROCESSING",
        "COMPLETED",
        "PARTIAL",
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
      "description": "a page of batches",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchList"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/batches/{id}": {
   "get": {
    "operationId": "getBatch",
    "summary": "One batch with the first page of its jobs; with wait (and since) a long-poll like a job's (without since: until COMPLETED, PARTIAL or FAILED)",
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
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 200
      },
      "description": "jobs in the first page (default 50)"
     }
    ],
    "responses": {
     "200": {
      "description": "the batch",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Batch"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   },
   "delete": {
    "operationId": "deleteBatch",
    "summary": "Close the batch, remove every image of it (originals, variants, jobs) and the batch",
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/batches/{id}/events": {
   "get": {
    "operationId": "streamBatchEvents",
    "summary": "Server-Sent Events: 'status' events with the batch, closes once it is terminal; 'deleted' if removed",
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
      "description": "event stream; each 'status' event's data is a Batch",
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/webhooks/deliveries": {
   "get": {
    "operationId": "listWebhookDeliveries",
    "summary": "Webhook deliveries (one per event and endpoint), newest first, with their attempts, last status and error",
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
        "pending",
        "delivered",
        "dead"
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
       "maximum": 1000,
       "default": 50
      }
     }
    ],
    "responses": {
     "200": {
      "description": "the deliveries",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "deliveries"
         ],
         "properties": {
          "deliveries": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/WebhookDelivery"
           }
          }
         }
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/webhooks/deliveries/{id}/retry": {
   "post": {
    "operationId": "retryWebhookDelivery",
    "summary": "Send a delivery again now, whatever its status (one more attempt; a failure then follows the retry schedule from its attempt count)",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^msg_[0-9a-f]{1,64}$"
      }
     }
    ],
    "responses": {
     "202": {
      "description": "pending again",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "additionalProperties": false,
         "required": [
          "delivery"
         ],
         "properties": {
          "delivery": {
           "$ref": "#/components/schemas/WebhookDelivery"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/batches/{id}/complete": {
   "post": {
    "operationId": "completeBatch",
    "summary": "Close the batch: no more uploads join it; it ends when its jobs have (closing again changes nothing)",
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
      "description": "the batch",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchEnvelope"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/events": {
   "get": {
    "operationId": "streamEvents",
    "summary": "Server-Sent Events of everything new: 'completed', 'failed', 'deleted', 'approved' and 'hidden' (--moderate) events of the job event log, each with id: <seq> and data {seq, kind, id, at, job (null once deleted)}. Starts after Last-Event-ID (sent by EventSource when it reconnects), else after ?after=, else at the end of the log; kept in SQLite, so a reconnect (also across a server restart) catches up on what it missed. The owner, or the wall key ?k= (jobs then as a guest sees them, without GPS, and only what everyone may see: 'completed' and 'approved' of COMPLETED approved images, 'failed' of approved ones, 'deleted' and 'hidden' without the job); a guest gets 403.",
    "security": [
     {
      "bearerAuth": []
     },
     {
      "wallKey": []
     }
    ],
    "parameters": [
     {
      "name": "after",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0
      },
      "description": "start after this seq (0: the whole log)"
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[0-9]{1,18}$"
      },
      "description": "start after this seq; wins over ?after="
     }
    ],
    "responses": {
     "200": {
      "description": "event stream; each event's data is an Event",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/download.zip": {
   "get": {
    "operationId": "downloadAll",
    "summary": "Every COMPLETED image as one ZIP, newest first: the originals, or with ?variant= that variant (images without it left out). Stored, not recompressed; streamed while it is made (chunked), never held in memory. No ZIP64: up to 4 GiB and 65535 entries; beyond, the stream stops (a truncated download).",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "parameters": [
     {
      "name": "variant",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "@VARIANT_NAME_PATTERN@"
      },
      "description": "a variant name (e.g. large) instead of the originals"
     },
     {
      "name": "exp",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer"
      },
      "description": "with sig: a signed link from GET /api/download-link, which needs no token until exp (Unix seconds)"
     },
     {
      "name": "sig",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "base64url HMAC-SHA256 of the path and exp"
     }
    ],
    "responses": {
     "200": {
      "description": "the archive (Content-Disposition: attachment)",
      "content": {
       "application/zip": {
        "schema": {
         "type": "string",
         "contentMediaType": "application/zip"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
     },
     {
      "name": "moderation",
      "in": "query",
      "required": false,
      "description": "only the jobs in this moderation state (--moderate): 'pending' lists what waits for the owner",
      "schema": {
       "type": "string",
       "enum": [
        "approved",
        "pending",
        "hidden"
       ]
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
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/jobs/{id}": {
   "get": {
    "operationId": "getJob",
    "summary": "One job; with wait (and since) a long-poll. Protected when a token is set: it exposes GPS metadata. A guest reads only the jobs it uploaded (another job is 404), with metadata.gps null.",
    "security": [
     {
      "bearerAuth": []
     },
     {
      "guestCookie": []
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
    "summary": "Server-Sent Events: 'status' events with the job, closes after COMPLETED/FAILED; 'deleted' if removed. A guest streams only the jobs it uploaded, with metadata.gps null.",
    "security": [
     {
      "bearerAuth": []
     },
     {
      "guestCookie": []
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/images/{id}/approve": {
   "post": {
    "operationId": "approveImage",
    "summary": "The owner approves an image (--moderate): the wall, the gallery and the download of everything show it once COMPLETED; an 'approved' event goes to GET /api/events. Also restores a hidden image. A guest gets 403.",
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
      "description": "the job, with its new moderation state",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    }
   }
  },
  "/api/images/{id}/hide": {
   "post": {
    "operationId": "hideImage",
    "summary": "The owner hides an image (--moderate, or any time): off the wall (live, a 'hidden' event on GET /api/events), the gallery and the download of everything; approving it restores it. A guest gets 403.",
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
      "description": "the job, with its new moderation state",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
    "summary": "The original as uploaded (sniffed type, nosniff, Content-Disposition with the client's filename sanitised). It carries the uploader's EXIF (GPS): in event mode (a guest code is set) only the owner (token, or the signed URL in the owner's job JSON) and the guest who uploaded it (its cookie) get it, with private caching; anyone else 403",
    "security": [
     {},
     {
      "bearerAuth": []
     },
     {
      "signedUrl": []
     },
     {
      "guestCookie": []
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
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
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
    "parameters": [
     {
      "name": "g",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "a guest code (--guest-code, or generated): opens a guest session (cookie edgepix_guest, HttpOnly, SameSite=Lax) and redirects to /"
     }
    ],
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
     "303": {
      "description": "with ?g= the right guest code: Set-Cookie edgepix_guest, Location /"
     },
     "304": {
      "$ref": "#/components/responses/NotModified"
     },
     "403": {
      "description": "with ?g= a wrong guest code (forbidden)",
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
  "/api/event": {
   "get": {
    "operationId": "getEventBranding",
    "summary": "The event's title and welcome line (--event-title, --event-welcome), plain text, empty when unset, and whether guests' photos are moderated (--moderate)",
    "security": [],
    "responses": {
     "200": {
      "description": "the branding",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "title",
          "welcome",
          "moderate",
          "max_upload_bytes"
         ],
         "additionalProperties": false,
         "properties": {
          "title": {
           "type": "string"
          },
          "welcome": {
           "type": "string"
          },
          "moderate": {
           "type": "boolean",
           "description": "--moderate: guests' photos wait for the owner's approval"
          },
          "max_upload_bytes": {
           "type": "integer",
           "description": "largest accepted upload in bytes (--max-upload-mb, in MiB)"
          }
         }
        }
       }
      }
     }
    }
   }
  },
  "/join": {
   "get": {
    "operationId": "getJoinPage",
    "summary": "Full-screen QR code of the guest link (for a projector); the page calls /api/join and /api/join.svg with the owner's token or the guest cookie",
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
  "/wall": {
   "get": {
    "operationId": "getWallPage",
    "summary": "The live wall for a projector: a mosaic of the newest photos (large variant), or ?mode=slideshow&interval=S; keys f (full screen), space (pause), arrows (step). Reads /api/events with ?k= (the wall key); opened in the owner's browser without it, asks /api/wall for it",
    "security": [],
    "parameters": [
     {
      "name": "mode",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "mosaic",
        "slideshow"
       ]
      }
     },
     {
      "name": "interval",
      "in": "query",
      "required": false,
      "schema": {
       "type": "number",
       "minimum": 2,
       "maximum": 600
      },
      "description": "seconds between changes (6)"
     },
     {
      "name": "k",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "the wall key"
     }
    ],
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
  "/api/download-link": {
   "get": {
    "operationId": "getDownloadLink",
    "summary": "Links to GET /api/download.zip (the originals, and the large variants) that a browser can follow without the token: signed, valid for --signed-url-ttl (rounded up to 10 minutes); the plain path when the server is open",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "responses": {
     "200": {
      "description": "the links",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "url",
          "large_url"
         ],
         "additionalProperties": false,
         "properties": {
          "url": {
           "type": "string"
          },
          "large_url": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/wall": {
   "get": {
    "operationId": "getWall",
    "summary": "The wall's URL with its key (derived from the token with HMAC: it changes when the token does); '/wall' and '' when the server is open",
    "security": [
     {
      "bearerAuth": []
     }
    ],
    "responses": {
     "200": {
      "description": "the wall",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "url",
          "key"
         ],
         "additionalProperties": false,
         "properties": {
          "url": {
           "type": "string"
          },
          "key": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/join": {
   "get": {
    "operationId": "listJoinLinks",
    "summary": "The guest link for each address the server is reachable at (interface addresses first, loopback last); the plain page URL when there are no guests",
    "security": [
     {
      "bearerAuth": []
     },
     {
      "guestCookie": []
     }
    ],
    "responses": {
     "200": {
      "description": "the links",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "links"
         ],
         "additionalProperties": false,
         "properties": {
          "links": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "host",
             "url"
            ],
            "additionalProperties": false,
            "properties": {
             "host": {
              "type": "string"
             },
             "url": {
              "type": "string"
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    }
   }
  },
  "/api/join.svg": {
   "get": {
    "operationId": "getJoinQr",
    "summary": "One guest link as a QR code (SVG made by the server with libqrencode, error correction M, 4-module quiet zone)",
    "security": [
     {
      "bearerAuth": []
     },
     {
      "guestCookie": []
     },
     {
      "wallKey": []
     }
    ],
    "parameters": [
     {
      "name": "host",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "one of the hosts /api/join lists; default: the first that is not loopback"
     }
    ],
    "responses": {
     "200": {
      "description": "the QR code",
      "content": {
       "image/svg+xml": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
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
})openapi");
  return doc;
}

}  // namespace edgepix::http
