// The checkpoint's two forms: TrainingCheckpoint (runexp/checkpoint.h) in
// memory, runexp.checkpoint.Checkpoint (proto/runexp/checkpoint.proto) on
// disk. Decoding validates everything a damaged or foreign file could get
// wrong, so a decoded checkpoint can be trusted as a model and a state.
//
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "runexp/checkpoint.h"
#include "runexp/checkpoint.pb.h"

namespace runexp {

checkpoint::Checkpoint EncodeCheckpoint(const TrainingCheckpoint& checkpoint);

// `file` names the source in errors. Corruption for anything inconsistent
// (sizes against shapes, layers that do not chain, unknown names, bad stream
// states), NotSupported for another schema_version.
Result<TrainingCheckpoint> DecodeCheckpoint(const checkpoint::Checkpoint& message,
                                            std::string_view file);

// The bytes of a file: deterministic serialisation, so the same state gives
// the same bytes. Parsing refuses trailing garbage and truncation.
std::string SerializeCheckpoint(const TrainingCheckpoint& checkpoint);
Result<TrainingCheckpoint> ParseCheckpoint(std::string_view bytes, std::string_view file);

}  // namespace runexp
