package org.sparkdl.spark.ml.rnn;

import java.util.Map;
import org.apache.spark.sql.Row;
import org.sparkdl.core.task.LanguageModelTask;
import org.sparkdl.core.text.CharVocabulary;
import org.sparkdl.core.train.Column;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.spark.train.RowPacker;

/**
 * A text column into a language model's training windows: each row's text, encoded by the
 * vocabulary and ended by a newline, is appended to its partition's stream; {@link #finish} cuts
 * that stream in order into windows of {@code window + 1} ids, each starting where the previous
 * one's inputs end, so that every character but the partition's last few is predicted once.
 */
final class TextPacker implements RowPacker {
    private static final long serialVersionUID = 1L;
    private static final String RECORDS = "records";

    private final CharVocabulary vocabulary;
    private final int window;
    private final String textCol;

    TextPacker(CharVocabulary vocabulary, int window, String textCol) {
        this.vocabulary = vocabulary;
        this.window = window;
        this.textCol = textCol;
    }

    @Override
    public Map<String, ColumnBuilder> newColumns() {
        return Map.of(RECORDS, ColumnBuilder.raggedInts());
    }

    @Override
    public void add(Row r, long row, Map<String, ColumnBuilder> columns) {
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("column '" + textCol + "' is null in row " + row);
        }
        String text = r.getString(0);
        if (text.isBlank()) {
            throw new IllegalArgumentException("column '" + textCol + "' has no characters in row " + row);
        }
        columns.get(RECORDS).add(vocabulary.encode(text + "\n"));
    }

    @Override
    public DataBlock finish(DataBlock rows) {
        Column records = rows.column(RECORDS);
        int[] stream = records.ints(); // the records' ids back to back, in row order
        ColumnBuilder windows = ColumnBuilder.ints(window + 1);
        int[] w = new int[window + 1];
        for (int from = 0; from + window + 1 <= stream.length; from += window) {
            System.arraycopy(stream, from, w, 0, window + 1);
            windows.add(w);
        }
        return new DataBlock(Map.of(LanguageModelTask.TOKENS, windows.build()));
    }
}
