/** Text for sequence models: character vocabularies, encoding and decoding. */
package org.sparkdl.core.text;
