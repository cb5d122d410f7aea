/** Test helpers shared with the estimators' tests (the test-jar): scoring an exported model in ONNX Runtime. */
package org.sparkdl.onnx.testing;
