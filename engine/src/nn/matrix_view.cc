#include "runexp/nn/matrix_view.h"

#include <string>

namespace runexp::nn {

Result<MatrixView> AsMatrix(const Tensor& tensor, std::string_view what) {
  if (tensor.dtype() != DType::kFloat32 || tensor.rank() != 2) {
    return Status::InvalidArgument(std::string(what) + ": expected a rank-2 float32 tensor, got " +
                                   std::string(DTypeName(tensor.dtype())) + " " +
                                   ShapeToString(tensor.shape()));
  }
  return MatrixView{tensor.values<float>().data(), tensor.dim(0), tensor.dim(1)};
}

}  // namespace runexp::nn
