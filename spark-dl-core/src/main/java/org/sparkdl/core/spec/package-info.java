/** The model-spec language: one readable string builds a model, with shape inference and precise errors. */
package org.sparkdl.core.spec;
