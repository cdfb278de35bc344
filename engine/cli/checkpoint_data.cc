#include "checkpoint_data.h"

#include <span>
#include <string>

namespace runexp::cli {

namespace {

template <typename T>
void Scale(std::span<const T> in, std::span<float> out, float scale, float offset) {
  // The expression of reshape_normalize's Convert, operand for operand: the
  // same float operations give the model the same bits as in training.
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<float>(in[i]) * scale + offset;
}

// Index of the first label outside [0, classes), or -1.
template <typename T>
int64_t FirstOutOfRange(std::span<const T> labels, int64_t classes) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    int64_t label = static_cast<int64_t>(labels[i]);
    if (label < 0 || label >= classes) return static_cast<int64_t>(i);
  }
  return -1;
}

template <typename T>
void SetOnes(std::span<const T> labels, int64_t classes, std::span<float> out) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out[i * static_cast<std::size_t>(classes) + static_cast<std::size_t>(labels[i])] = 1.0f;
  }
}

template <typename T>
Status OneHot(const Tensor& labels, int64_t classes, std::string_view file, Tensor& out) {
  std::span<const T> values = labels.values<T>();
  if (int64_t bad = FirstOutOfRange(values, classes); bad >= 0) {
    return Status::InvalidArgument(std::string(file) + ": label at index " + std::to_string(bad) + " is " +
                                   std::to_string(static_cast<int64_t>(values[static_cast<std::size_t>(bad)])) +
                                   ", outside [0, " + std::to_string(classes) +
                                   ") (the model has " + std::to_string(classes) + " outputs)");
  }
  SetOnes(values, classes, out.values<float>());
  return Status::OK();
}

}  // namespace

Result<Tensor> ImagesToModelInput(const Tensor& images, const InputScaling& scaling, int64_t input_dim,
                                  std::string_view file) {
  if (images.rank() < 1) {
    return Status::InvalidArgument(std::string(file) + ": images must have a record dimension, shape is " +
                                   ShapeToString(images.shape()));
  }
  const int64_t records = images.dim(0);
  int64_t width = 1;
  for (int64_t d = 1; d < images.rank(); ++d) width *= images.dim(d);
  if (width != input_dim) {
    return Status::InvalidArgument(std::string(file) + ": each image has " + std::to_string(width) +
                                   " values (shape " + ShapeToString(images.shape()) + "), the model takes " +
                                   std::to_string(input_dim));
  }
  Tensor out(DType::kFloat32, {records, width});
  std::span<float> values = out.values<float>();
  const float s = scaling.scale, o = scaling.offset;
  switch (images.dtype()) {
    case DType::kUInt8: Scale(images.values<uint8_t>(), values, s, o); break;
    case DType::kInt8: Scale(images.values<int8_t>(), values, s, o); break;
    case DType::kInt16: Scale(images.values<int16_t>(), values, s, o); break;
    case DType::kInt32: Scale(images.values<int32_t>(), values, s, o); break;
    case DType::kFloat32: Scale(images.values<float>(), values, s, o); break;
    case DType::kFloat64: Scale(images.values<double>(), values, s, o); break;
  }
  return out;
}

Result<Tensor> LabelsToOneHot(const Tensor& labels, int64_t classes, std::string_view file) {
  if (labels.rank() != 1) {
    return Status::InvalidArgument(std::string(file) + ": labels must be one value per sample, shape (N), not " +
                                   ShapeToString(labels.shape()));
  }
  Tensor out(DType::kFloat32, {labels.dim(0), classes});
  Status status;
  switch (labels.dtype()) {
    case DType::kUInt8: status = OneHot<uint8_t>(labels, classes, file, out); break;
    case DType::kInt8: status = OneHot<int8_t>(labels, classes, file, out); break;
    case DType::kInt16: status = OneHot<int16_t>(labels, classes, file, out); break;
    case DType::kInt32: status = OneHot<int32_t>(labels, classes, file, out); break;
    case DType::kFloat32:
    case DType::kFloat64:
      return Status::InvalidArgument(std::string(file) + ": labels must be integers, not " +
                                     std::string(DTypeName(labels.dtype())));
  }
  if (!status.ok()) return status;
  return out;
}

int64_t ArgMax(std::span<const float> row) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] > row[best]) best = i;
  }
  return static_cast<int64_t>(best);
}

}  // namespace runexp::cli
