package org.sparkdl.spark.train;

import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.sparkdl.core.train.Column;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.DataBlock;

/**
 * Packs one partition's rows into two {@link DataBlock}s, training and validation, through the
 * estimator's {@link RowPacker}. A row's last two fields are whether it is held out for validation
 * and its id (see {@link BadRowException}).
 */
final class Packing implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Samples between those that the data fingerprint hashes. */
    static final int FINGERPRINT_STRIDE = 16;

    /** A partition's training and validation blocks. */
    record Blocks(DataBlock train, DataBlock validation) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final RowPacker packer;

    Packing(RowPacker packer) {
        this.packer = packer;
    }

    Iterator<Blocks> pack(Iterator<Row> rows) {
        Map<String, ColumnBuilder> train = packer.newColumns();
        Map<String, ColumnBuilder> validation = packer.newColumns();
        while (rows.hasNext()) {
            Row r = rows.next();
            long id = r.getLong(r.size() - 1);
            int flag = r.size() - 2;
            try {
                packer.add(r, id, !r.isNullAt(flag) && r.getBoolean(flag) ? validation : train);
            } catch (IllegalArgumentException e) {
                throw new BadRowException(e.getMessage(), id, e);
            }
        }
        return List.of(new Blocks(build(train), build(validation))).iterator();
    }

    private DataBlock build(Map<String, ColumnBuilder> builders) {
        Map<String, Column> columns = new LinkedHashMap<>();
        builders.forEach((name, b) -> columns.put(name, b.build()));
        return packer.finish(new DataBlock(columns));
    }
}
