/** Learning-rate schedules: constant, step, cosine, linear decay, linear warm-up. */
package org.sparkdl.core.schedule;
