// one_hot: integer class labels (N) → float32 one-hot rows (N, classes).
#include <string>

#include "runexp/plugin.h"
#include "runexp/tensor.h"

namespace runexp {
namespace {

template <typename Label>
Status Encode(std::span<const Label> labels, int64_t classes, Tensor& out) {
  std::span<float> rows = out.values<float>();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    int64_t label = static_cast<int64_t>(labels[i]);
    if (label < 0 || label >= classes) {
      return Status::InvalidArgument("label at index " + std::to_string(i) + " is " +
                                     std::to_string(label) + ", outside [0, " +
                                     std::to_string(classes) + ")");
    }
    rows[i * static_cast<std::size_t>(classes) + static_cast<std::size_t>(label)] = 1.0f;
  }
  return Status::OK();
}

class OneHotStage : public Stage {
 public:
  Status Open(StageContext& ctx) override {
    const Tensor& labels = ctx.Input("input").Get<Tensor>();
    int64_t classes = ctx.param("classes").as_integer();
    if (labels.rank() != 1) {
      return Status::InvalidArgument("expects a vector of labels, got shape " +
                                     ShapeToString(labels.shape()));
    }
    Tensor out(DType::kFloat32, {labels.dim(0), classes});
    Status status;
    switch (labels.dtype()) {
      case DType::kUInt8: status = Encode(labels.values<uint8_t>(), classes, out); break;
      case DType::kInt8: status = Encode(labels.values<int8_t>(), classes, out); break;
      case DType::kInt16: status = Encode(labels.values<int16_t>(), classes, out); break;
      case DType::kInt32: status = Encode(labels.values<int32_t>(), classes, out); break;
      default:
        return Status::InvalidArgument("labels must be integers, got " +
                                       std::string(DTypeName(labels.dtype())));
    }
    if (!status.ok()) return status;
    return ctx.Emit("output", Packet::Make<Tensor>(std::move(out)));
  }
};

PluginSpec OneHotSpec() {
  return {
      .name = "one_hot",
      .description = "Integer class labels (N) to one-hot float32 rows (N, classes)",
      .inputs = {{"input", "tensor", PortKind::kValue, "Labels: uint8, int8, int16 or int32, shape (N)", false}},
      .outputs = {{"output", "tensor", PortKind::kValue, "float32 (N, classes), a single 1 per row", false}},
      .params = {ParamSpec::Integer("classes", "Number of classes; every label must be in [0, classes)").Min(1)},
      .create = [] { return std::make_unique<OneHotStage>(); },
  };
}

}  // namespace
}  // namespace runexp

RUNEXP_PLUGIN(one_hot, runexp::OneHotSpec)
