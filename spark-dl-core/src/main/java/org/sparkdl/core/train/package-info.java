/** A single replica's training step, seeded mini-batching and evaluation. */
package org.sparkdl.core.train;
