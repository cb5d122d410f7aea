/**
 * A single replica's training step, seeded mini-batching and evaluation; packed sample columns
 * (bytes for 8-bit values, half floats on request) and which replica trains which data chunk in
 * each round.
 */
package org.sparkdl.core.train;
