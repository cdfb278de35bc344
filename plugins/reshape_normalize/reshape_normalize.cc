// reshape_normalize: records of any numeric type → float32 records of a new
// shape, scaled by a constant (x / divide_by) or standardised ((x − mean) / std).
// With storage = "uint8_table", uint8 records keep their bytes and carry the
// table of the 256 float32 values they stand for (Tensor::value_table).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <array>
#include <cmath>
#include <memory>
#include <string>

#include "runexp/plugin.h"
#include "runexp/tensor.h"

namespace runexp {
namespace {

// Elements per task: 1 MiB of output, large enough that scheduling is noise.
constexpr std::size_t kElementsPerTask = std::size_t{1} << 18;

template <typename T>
void Convert(std::span<const T> in, std::span<float> out, float scale, float offset) {
  // One multiply-add per element: x * scale + offset, with scale = 1/d and
  // offset = −mean/std, computed once so every element is treated alike.
  // In parallel because this is the first write to the output's fresh pages:
  // on MNIST most of the time is the kernel clearing 188 MB for it, which the
  // run's cores then share. Each element's value does not depend on the split.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, in.size(), kElementsPerTask),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i < range.end(); ++i) {
                        out[i] = static_cast<float>(in[i]) * scale + offset;
                      }
                    });
}

// The input's bytes (shared, not copied) in the target shape, with the
// table of what each byte means: every code converted by Convert itself, so
// a decoded element has the bits the float32 output would have held.
Tensor Encoded(std::shared_ptr<const Tensor> input, Shape target, float scale, float offset) {
  std::array<uint8_t, 256> codes;
  for (std::size_t v = 0; v < codes.size(); ++v) codes[v] = static_cast<uint8_t>(v);
  auto table = std::make_shared<Tensor::ValueTable>();
  Convert(std::span<const uint8_t>(codes), std::span<float>(*table), scale, offset);
  Tensor out = Tensor::SharingBytesOf(std::move(input), std::move(target));
  out.set_value_table(std::move(table));
  return out;
}

class ReshapeNormalizeStage : public Stage {
 public:
  Status Open(StageContext& ctx) override {
    const Tensor& input = ctx.Input("input").Get<Tensor>();
    if (input.rank() < 1) return Status::InvalidArgument("input has no record dimension");
    if (ctx.param("storage").as_string() == "uint8_table" && input.dtype() != DType::kUInt8) {
      return Status::InvalidArgument("storage = \"uint8_table\" keeps uint8 records as codes, but the input is " +
                                     std::string(DTypeName(input.dtype())) + "; use storage = \"float32\"");
    }
    Shape target{input.dim(0)};
    int64_t per_record = 1;
    for (const ParamValue& d : ctx.param("shape").as_array()) {
      target.push_back(d.as_integer());
      per_record *= d.as_integer();
    }
    int64_t records = input.dim(0);
    int64_t have = records == 0 ? 0 : input.num_elements() / records;
    if (have != per_record) {
      return Status::InvalidArgument(
          "cannot reshape " + ShapeToString(input.shape()) + " to " + ShapeToString(target) +
          ": a record has " + std::to_string(have) + " values, the target shape needs " +
          std::to_string(per_record));
    }

    float scale = 1.0f, offset = 0.0f;
    if (ctx.param("scaling").as_string() == "divide") {
      scale = static_cast<float>(1.0 / ctx.param("divide_by").as_number());
    } else {
      double mean = ctx.param("mean").as_number(), std = ctx.param("std").as_number();
      scale = static_cast<float>(1.0 / std);
      offset = static_cast<float>(-mean / std);
    }

    if (ctx.param("storage").as_string() == "uint8_table") {
      return ctx.Emit("output", Packet::Make<Tensor>(
                                    Encoded(ctx.Input("input").Share<Tensor>(), std::move(target), scale, offset)));
    }

    Tensor out(DType::kFloat32, target);
    std::span<float> values = out.values<float>();
    switch (input.dtype()) {
      case DType::kUInt8: Convert(input.values<uint8_t>(), values, scale, offset); break;
      case DType::kInt8: Convert(input.values<int8_t>(), values, scale, offset); break;
      case DType::kInt16: Convert(input.values<int16_t>(), values, scale, offset); break;
      case DType::kInt32: Convert(input.values<int32_t>(), values, scale, offset); break;
      case DType::kFloat32: Convert(input.values<float>(), values, scale, offset); break;
      case DType::kFloat64: Convert(input.values<double>(), values, scale, offset); break;
    }
    return ctx.Emit("output", Packet::Make<Tensor>(std::move(out)));
  }
};

PluginSpec ReshapeNormalizeSpec() {
  return {
      .name = "reshape_normalize",
      .description = "Reshape each record and scale it to float32 (divide by a constant, or standardise)",
      .inputs = {{"input", "tensor", PortKind::kValue, "Records of any numeric type, shape (N, ...)", false}},
      .outputs = {{"output", "tensor", PortKind::kValue,
                   "float32, shape (N, shape...); with storage = 'uint8_table' the input's uint8 codes and "
                   "their value table",
                   false}},
      .params =
          {
              ParamSpec::ArrayOf(ParamType::kInteger, "shape",
                                 "Shape of one record after reshaping, e.g. [784]; the record count is kept")
                  .MinItems(1),
              ParamSpec::String("scaling", "'divide': x / divide_by; 'standardize': (x - mean) / std")
                  .Default("divide")
                  .Choices({"divide", "standardize"}),
              ParamSpec::Float("divide_by", "Divisor for scaling = 'divide' (255 maps bytes to [0, 1])")
                  .Default(1.0)
                  .Min(1e-30),
              ParamSpec::Float("mean", "Mean subtracted for scaling = 'standardize'").Default(0.0),
              ParamSpec::Float("std", "Standard deviation divided by for scaling = 'standardize'")
                  .Default(1.0)
                  .Min(1e-30),
              ParamSpec::String("storage",
                                "'float32': a float32 tensor; 'uint8_table': uint8 records stay bytes, with the "
                                "table of the 256 float32 values they stand for (4x less memory and no 4-byte "
                                "copy to write; the same bits for mlp_trainer and evaluator, which decode each "
                                "batch; other consumers see uint8)")
                  .Default("float32")
                  .Choices({"float32", "uint8_table"}),
          },
      .create = [] { return std::make_unique<ReshapeNormalizeStage>(); },
  };
}

}  // namespace
}  // namespace runexp

RUNEXP_PLUGIN(reshape_normalize, runexp::ReshapeNormalizeSpec)
