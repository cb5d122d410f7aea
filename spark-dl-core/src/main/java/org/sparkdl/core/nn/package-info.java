/**
 * Layers as forward/backward pairs, trainable parameters, the Sequential model and the Chain of two
 * models, and LayerFusion, the explicit rewrite that runs a convolution with the ReLU and max
 * pooling after it as one ConvBlock.
 *
 * <p>Sequences, N×T×F: {@code Embedding} (token ids → vectors), {@code Recurrent} (RNN, LSTM, GRU as
 * in PyTorch: stacked, bidirectional, dropout between layers), {@code LastStep} (each sequence's
 * last valid step) and {@code Dense} applied per step. Per-sample lengths travel on the tensor
 * ({@code Tensor.withLengths}) and {@code Sequential} keeps them while the time axis lasts; padded
 * steps put out 0 and take no gradient. A recurrent layer's time loop is a {@code
 * RecurrentDirection} (one GEMM for every step's input projection, one per step for the recurrent
 * product, buffers kept across calls) around a {@code RecurrentCell} (RnnCell, LstmCell, GruCell:
 * the step arithmetic). {@code StatefulLayer} carries the final state into the next forward for
 * truncated backpropagation through time; {@code Reseedable} layers draw dropout masks.
 */
package org.sparkdl.core.nn;
