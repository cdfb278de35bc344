// feature_standardizer: each feature becomes (x - mean) / std, where the mean
// and standard deviation of every feature are computed on the `fit` records
// (the training set) and applied to the `input` records (the training set or
// any other), so the test set never leaks into the statistics.
#include "feature_standardizer.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runexp/plugin.h"
#include "runexp/tensor.h"

namespace feature_standardizer {
namespace {

using runexp::Packet;
using runexp::Shape;
using runexp::Status;
using runexp::Tensor;

// The shape of one record: everything after the record dimension.
Shape RecordShape(const Tensor& records) {
  return Shape(records.shape().begin() + 1, records.shape().end());
}

Status CheckRecords(const std::string& port, const Tensor& records) {
  if (records.dtype() != runexp::DType::kFloat32 || records.rank() < 1) {
    return Status::InvalidArgument(
        port + " must be float32 records (N, ...), got " +
        std::string(runexp::DTypeName(records.dtype())) + " " + runexp::ShapeToString(records.shape()) +
        " (reshape_normalize converts to float32)");
  }
  return Status::OK();
}

// Per-feature statistics, summed in double precision in a fixed order, so
// the result is the same whatever the thread count.
struct Statistics {
  std::vector<double> mean;
  std::vector<double> inverse_std;  // 1 for a feature that is (nearly) constant
  int64_t constant_features = 0;
};

Statistics Fit(std::span<const float> x, std::size_t records, std::size_t features, double min_std) {
  Statistics stats{std::vector<double>(features, 0.0), std::vector<double>(features, 1.0)};
  for (std::size_t r = 0; r < records; ++r) {
    for (std::size_t f = 0; f < features; ++f) stats.mean[f] += x[r * features + f];
  }
  for (double& mean : stats.mean) mean /= static_cast<double>(records);

  std::vector<double> squares(features, 0.0);
  for (std::size_t r = 0; r < records; ++r) {
    for (std::size_t f = 0; f < features; ++f) {
      double deviation = x[r * features + f] - stats.mean[f];
      squares[f] += deviation * deviation;
    }
  }
  for (std::size_t f = 0; f < features; ++f) {
    double std = std::sqrt(squares[f] / static_cast<double>(records));
    // Centring a constant feature makes it 0; dividing it by ~0 would not.
    if (std < min_std) {
      ++stats.constant_features;
    } else {
      stats.inverse_std[f] = 1.0 / std;
    }
  }
  return stats;
}

class FeatureStandardizerStage : public runexp::Stage {
 public:
  Status Open(runexp::StageContext& ctx) override {
    const Tensor& fit = ctx.Input("fit").Get<Tensor>();
    // `input` is optional: left unconnected, the stage standardises `fit` itself.
    const Packet& input_packet = ctx.Input("input");
    const Tensor& input = input_packet.empty() ? fit : input_packet.Get<Tensor>();

    if (Status status = CheckRecords("fit", fit); !status.ok()) return status;
    if (Status status = CheckRecords("input", input); !status.ok()) return status;
    if (fit.dim(0) == 0) return Status::InvalidArgument("fit has no records to compute statistics on");
    if (RecordShape(input) != RecordShape(fit)) {
      return Status::InvalidArgument("input records have shape " + runexp::ShapeToString(RecordShape(input)) +
                                     ", fit records have shape " + runexp::ShapeToString(RecordShape(fit)));
    }

    const auto records = static_cast<std::size_t>(fit.dim(0));
    const auto features = static_cast<std::size_t>(fit.num_elements()) / records;
    Statistics stats = Fit(fit.values<float>(), records, features, ctx.param("min_std").as_number());

    Tensor out(runexp::DType::kFloat32, input.shape());
    std::span<const float> x = input.values<float>();
    std::span<float> y = out.values<float>();
    for (std::size_t i = 0; i < x.size(); ++i) {
      std::size_t f = i % features;
      y[i] = static_cast<float>((x[i] - stats.mean[f]) * stats.inverse_std[f]);
    }

    ctx.log().Info(ctx.stage_id() + ": " + std::to_string(features) + " features standardised with the " +
                   "statistics of " + std::to_string(records) + " records (" +
                   std::to_string(stats.constant_features) + " constant, only centred)");
    return ctx.Emit("output", Packet::Make<Tensor>(std::move(out)));
  }
};

}  // namespace

runexp::PluginSpec Spec() {
  using runexp::ParamSpec;
  using runexp::PortKind;
  return {
      .name = "feature_standardizer",
      .description = "Each feature to zero mean and unit variance, with statistics of the fit records",
      .inputs =
          {
              {"fit", "tensor", PortKind::kValue, "float32 (N, ...): the records to take statistics of", false},
              {"input", "tensor", PortKind::kValue, "float32 (M, ...): the records to standardise; default fit",
               true},
          },
      .outputs = {{"output", "tensor", PortKind::kValue, "float32, the shape of the input", false}},
      .params =
          {
              ParamSpec::Float("min_std", "A feature whose standard deviation is below this is only centred")
                  .Default(1e-6)
                  .Min(0.0),
          },
      .create = [] { return std::make_unique<FeatureStandardizerStage>(); },
  };
}

}  // namespace feature_standardizer

RUNEXP_PLUGIN(feature_standardizer, feature_standardizer::Spec)
