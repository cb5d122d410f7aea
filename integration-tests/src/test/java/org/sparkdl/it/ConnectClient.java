package org.sparkdl.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Project;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.sparkproject.connect.grpc.ManagedChannel;
import org.sparkproject.connect.grpc.netty.NettyChannelBuilder;

/**
 * A Spark Connect client for ML, on the protocol's generated Java classes and the gRPC stub of
 * Spark's own server jar (its gRPC and protobuf relocated to {@code org.sparkproject.connect}).
 * It builds the messages PySpark's Connect client builds for a {@code JavaEstimator} /
 * {@code JavaModel} wrapper: {@code MlCommand.Fit} for {@code fit}, an {@code MlRelation.Transform}
 * plan for {@code transform}, {@code MlCommand.Write} / {@code Read} for {@code save} / {@code load},
 * and reads results as Arrow batches, as {@code collect()} does. One session per client.
 */
final class ConnectClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub;
    private final String sessionId = UUID.randomUUID().toString();

    ConnectClient(String host, int port) {
        // NettyChannelBuilder directly: no reliance on the relocated provider lookup of ManagedChannelBuilder.
        channel = NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                .maxInboundMessageSize(128 * 1024 * 1024)
                .build();
        stub = SparkConnectServiceGrpc.newBlockingStub(channel);
    }

    /** What a fit or a read returns: the server's cache id of the model, its uid and params. */
    record ModelRef(String id, String uid, MlParams params) {}

    /** {@code spark.read.format(format).options(options).load(path)}. */
    static Relation read(String format, Map<String, String> options, String path) {
        return Relation.newBuilder()
                .setRead(Read.newBuilder()
                        .setDataSource(Read.DataSource.newBuilder()
                                .setFormat(format)
                                .putAllOptions(options)
                                .addPaths(path)))
                .build();
    }

    /** {@code df.select(columns...)}. */
    static Relation select(Relation input, String... columns) {
        Project.Builder project = Project.newBuilder().setInput(input);
        for (String c : columns) {
            project.addExpressions(Expression.newBuilder()
                    .setUnresolvedAttribute(
                            Expression.UnresolvedAttribute.newBuilder().setUnparsedIdentifier(c)));
        }
        return Relation.newBuilder().setProject(project).build();
    }

    /**
     * The params a Python wrapper sends: those set explicitly, as literals of Python's types (int,
     * float, str, bool); the server converts each to the Java param's type.
     */
    static MlParams params(Map<String, ?> values) {
        MlParams.Builder b = MlParams.newBuilder();
        values.forEach((name, value) -> b.putParams(name, literal(value)));
        return b.build();
    }

    private static Expression.Literal literal(Object v) {
        Expression.Literal.Builder l = Expression.Literal.newBuilder();
        if (v instanceof String s) {
            return l.setString(s).build();
        } else if (v instanceof Integer i) {
            return l.setInteger(i).build();
        } else if (v instanceof Long n) {
            return l.setLong(n).build();
        } else if (v instanceof Double d) {
            return l.setDouble(d).build();
        } else if (v instanceof Boolean z) {
            return l.setBoolean(z).build();
        }
        throw new IllegalArgumentException("no literal for " + v.getClass());
    }

    /**
     * {@code estimator.fit(dataset)}: one {@code MlCommand.Fit}; the model stays on the server.
     * The server replies with the model's cache id only; the model's uid is its estimator's.
     */
    ModelRef fit(String estimatorClass, String uid, MlParams params, Relation dataset) {
        MlCommand fit = MlCommand.newBuilder()
                .setFit(MlCommand.Fit.newBuilder()
                        .setEstimator(operator(estimatorClass, uid, MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
                        .setParams(params)
                        .setDataset(dataset))
                .build();
        MlCommandResult.MlOperatorInfo info = execute(fit).getOperatorInfo();
        return new ModelRef(info.getObjRef().getId(), uid, params);
    }

    /** {@code model.transform(input)}: a lazy relation over the cached model; runs on an action. */
    static Relation transform(ModelRef model, MlParams params, Relation input) {
        return Relation.newBuilder()
                .setMlRelation(MlRelation.newBuilder()
                        .setTransform(MlRelation.Transform.newBuilder()
                                .setObjRef(ObjectRef.newBuilder().setId(model.id()))
                                .setInput(input)
                                .setParams(params)))
                .build();
    }

    /** {@code model.write().overwrite().save(path)} of a cached model. */
    void write(ModelRef model, MlParams params, String path) {
        execute(MlCommand.newBuilder()
                .setWrite(MlCommand.Write.newBuilder()
                        .setObjRef(ObjectRef.newBuilder().setId(model.id()))
                        .setParams(params)
                        .setPath(path)
                        .setShouldOverwrite(true))
                .build());
    }

    /** {@code ModelWrapper.load(path)}: the server calls the model class's static {@code load}. */
    ModelRef readModel(String modelClass, String path) {
        MlCommandResult.MlOperatorInfo info = execute(MlCommand.newBuilder()
                        .setRead(MlCommand.Read.newBuilder()
                                .setOperator(operator(modelClass, "", MlOperator.OperatorType.OPERATOR_TYPE_MODEL))
                                .setPath(path))
                        .build())
                .getOperatorInfo();
        return new ModelRef(info.getObjRef().getId(), info.getUid(), info.getParams());
    }

    /**
     * Drops the model from the server's memory but keeps its copy on the driver's local disk, as
     * the server's cache does itself after {@code offloadingTimeout} or under memory pressure: the
     * next use reloads it from there.
     */
    void evict(ModelRef model) {
        execute(MlCommand.newBuilder()
                .setDelete(MlCommand.Delete.newBuilder()
                        .addObjRefs(ObjectRef.newBuilder().setId(model.id()))
                        .setEvictOnly(true))
                .build());
    }

    private static MlOperator operator(String className, String uid, MlOperator.OperatorType type) {
        return MlOperator.newBuilder()
                .setName(className)
                .setUid(uid)
                .setType(type)
                .build();
    }

    private MlCommandResult execute(MlCommand command) {
        MlCommandResult result = null;
        Iterator<ExecutePlanResponse> responses = stub.executePlan(
                request(Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(command))));
        while (responses.hasNext()) {
            ExecutePlanResponse r = responses.next();
            if (r.hasMlCommandResult()) {
                result = r.getMlCommandResult();
            }
        }
        if (result == null) {
            throw new AssertionError("no ML command result for " + command.getCommandCase());
        }
        return result;
    }

    /**
     * {@code df.collect()}: each column of the result, by name, in row order; numbers as
     * {@code Number}, strings as {@code String}.
     */
    Map<String, List<Object>> collect(Relation relation) throws IOException {
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        Iterator<ExecutePlanResponse> responses =
                stub.executePlan(request(Plan.newBuilder().setRoot(relation)));
        try (BufferAllocator allocator = new RootAllocator()) {
            while (responses.hasNext()) {
                ExecutePlanResponse r = responses.next();
                if (!r.hasArrowBatch()) {
                    continue;
                }
                try (ArrowStreamReader reader = new ArrowStreamReader(
                        new ByteArrayInputStream(r.getArrowBatch().getData().toByteArray()), allocator)) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    while (reader.loadNextBatch()) {
                        for (FieldVector v : root.getFieldVectors()) {
                            List<Object> values = columns.computeIfAbsent(v.getName(), k -> new ArrayList<>());
                            for (int i = 0; i < root.getRowCount(); i++) {
                                Object value = v.getObject(i);
                                // Arrow's strings are its own Text; the test compares Java strings.
                                values.add(value instanceof Number ? value : String.valueOf(value));
                            }
                        }
                    }
                }
            }
        }
        return columns;
    }

    private ExecutePlanRequest request(Plan.Builder plan) {
        return ExecutePlanRequest.newBuilder()
                .setSessionId(sessionId)
                .setUserContext(UserContext.newBuilder().setUserId("connect-it"))
                .setClientType("spark-dl ConnectIT")
                .setPlan(plan)
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
