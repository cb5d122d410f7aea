package org.sparkdl.spark.compat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import scala.collection.mutable.ListBuffer;

/**
 * Java and Scala collections converted through the API Scala 2.12 and 2.13 share: the converters
 * differ between them ({@code scala.jdk.javaapi.CollectionConverters} is 2.13 only,
 * {@code scala.collection.JavaConverters} is deprecated in 2.13), while a {@code ListBuffer} and a
 * {@code Seq}'s iterator are the same in both.
 */
public final class ScalaCollections {
    private ScalaCollections() {}

    /**
     * An immutable Scala list of {@code values}: what a Scala {@code Seq} parameter takes in both
     * versions (a {@code scala.collection.Seq} in 2.12, an immutable one in 2.13), and how Spark
     * reads an array column's value in a {@code Row}.
     */
    public static <T> scala.collection.immutable.List<T> toScala(Collection<? extends T> values) {
        ListBuffer<T> out = new ListBuffer<>();
        for (T v : values) {
            out.$plus$eq(v);
        }
        return out.toList();
    }

    /** A Java copy of a Scala sequence (how an array column's value arrives from Spark). */
    public static List<Object> toJava(scala.collection.Seq<?> seq) {
        List<Object> out = new ArrayList<>();
        scala.collection.Iterator<?> it = seq.iterator();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}
