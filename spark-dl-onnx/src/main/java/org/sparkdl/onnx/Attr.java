package org.sparkdl.onnx;

import org.sparkdl.onnx.proto.OnnxProto.AttributeProto;
import org.sparkdl.onnx.proto.OnnxProto.AttributeProto.AttributeType;

/** Node attributes, one factory per ONNX attribute type the exporter writes. */
final class Attr {
    private Attr() {}

    static AttributeProto of(String name, long value) {
        return named(name, AttributeType.INT).setI(value).build();
    }

    static AttributeProto of(String name, float value) {
        return named(name, AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto of(String name, String value) {
        return named(name, AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value))
                .build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder b = named(name, AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    private static AttributeProto.Builder named(String name, AttributeType type) {
        return AttributeProto.newBuilder().setName(name).setType(type);
    }
}
