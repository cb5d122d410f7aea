/** Dense float tensors (row-major, NCHW for images) and shape helpers. */
package org.sparkdl.core.tensor;
