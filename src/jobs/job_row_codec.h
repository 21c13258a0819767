// How a Job's fields are written into the columns of a `jobs` row, shared by
// every job store (SQLite, PostgreSQL), so each encoding is written once: the
// column lists (jobs, batches, upload grants), the variants / metadata /
// warnings as JSON text. Status and
// moderation use their names (JobStatusName, ModerationName).
//
// The *FromJson / *FromColumn readers throw (nlohmann::json's exceptions, or
// std::runtime_error) on a corrupt column; the stores turn that into a Status.
// Stateless, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobs/job.h"

namespace edgepix {

// The column list every SELECT of a job uses, in the order the stores read it.
extern const char* const kJobColumns;
// How many columns kJobColumns lists: the index of a column selected after them.
extern const int kJobColumnCount;

// The same for batches (kBatchColumns) and upload grants (kGrantColumns).
extern const char* const kBatchColumns;
extern const char* const kGrantColumns;

std::string VariantsToJson(const std::vector<VariantRecord>& variants);
std::vector<VariantRecord> VariantsFromJson(const std::string& text);
// The image's facts as a JSON object, '{}' while unknown.
std::string MetadataToColumn(const std::optional<image::ImageMetadata>& m);
std::optional<image::ImageMetadata> MetadataFromColumn(const std::string& text);
std::string WarningsToJson(const std::vector<std::string>& warnings);
std::vector<std::string> WarningsFromJson(const std::string& text);

// The rule for a job a crash (or an expired lease) interrupted: its variants
// are dropped and, when `alone` (the only job its process was running, so the
// likely cause) and its counted attempts reached `max_attempts`, it ends
// FAILED "poison" (returns true); otherwise it goes back to PENDING, and when
// not alone gets its attempt back and becomes a suspect. Bumps version and
// updated_at either way. The store writes the row (and, for poison, the
// terminal event).
bool SettleInterruptedJob(Job* job, bool alone, int max_attempts);

}  // namespace edgepix
