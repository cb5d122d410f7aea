/**
 * ONNX export of a core network ({@code Sequential}): {@link org.sparkdl.onnx.OnnxExport} walks the
 * layers (fused blocks through their parts) and writes one ONNX node group per layer, the weights
 * as initializers, opset {@value org.sparkdl.onnx.OnnxExport#OPSET}. A layer with no ONNX form is an
 * {@link org.sparkdl.onnx.UnsupportedLayerException} naming it. The protobuf classes ({@code
 * org.sparkdl.onnx.proto.OnnxProto}) are generated from {@code src/main/proto/onnx.proto} at build
 * time. No Spark, no Hadoop: the Spark models call this and write the bytes where they are told.
 */
package org.sparkdl.onnx;
