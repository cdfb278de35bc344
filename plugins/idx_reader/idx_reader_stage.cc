// The idx_reader stage: reads one IDX file (plain or gzip) into a tensor and
// records the file's SHA-256 with the run.
#include "idx_file.h"
#include "runexp/plugin.h"

namespace runexp {
namespace {

class IdxReaderStage : public Stage {
 public:
  Status Open(StageContext& ctx) override {
    const std::string& path = ctx.param("path").as_string();
    idx::ReadOptions options;
    if (int64_t limit = ctx.param("limit").as_integer(); limit > 0) options.limit = limit;
    Result<Tensor> tensor = idx::ReadIdxFile(path, options);
    if (!tensor.ok()) return tensor.status();
    if (Status recorded = ctx.RecordInputFile(path); !recorded.ok()) return recorded;
    ctx.log().Debug("read " + path + ": " + std::string(DTypeName(tensor->dtype())) + " " +
                    ShapeToString(tensor->shape()));
    return ctx.Emit("output", Packet::Make<Tensor>(std::move(tensor).value()));
  }
};

PluginSpec IdxReaderSpec() {
  return {
      .name = "idx_reader",
      .description = "Read an IDX file (MNIST's format, plain or .gz) into a tensor",
      .inputs = {},
      .outputs = {{"output", "tensor", PortKind::kValue, "The file's records, in the stored type and shape", false}},
      .params =
          {
              ParamSpec::Path("path", "The IDX file, relative to the experiment file"),
              ParamSpec::Integer("limit", "Read only the first N records; 0 reads them all")
                  .Default(0)
                  .Min(0),
          },
      .create = [] { return std::make_unique<IdxReaderStage>(); },
  };
}

}  // namespace
}  // namespace runexp

RUNEXP_PLUGIN(idx_reader, runexp::IdxReaderSpec)
