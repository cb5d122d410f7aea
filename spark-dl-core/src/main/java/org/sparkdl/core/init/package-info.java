/** Seeded weight initialisers: Xavier/Glorot and He/Kaiming, uniform and normal. */
package org.sparkdl.core.init;
