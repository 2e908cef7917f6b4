import * as path from "node:path";

/**
 * The generated gRPC stubs and protobuf messages that ship in `@pulumi/pulumi/proto`, and the
 * `@grpc/grpc-js` and `google-protobuf` copies those stubs themselves load: resolving both from the stubs'
 * directory keeps one copy of each in the process (a Struct from another google-protobuf copy would not
 * serialize into these messages), and the plugin needs no dependency beyond `@pulumi/pulumi`.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const stubs = path.dirname(require.resolve("@pulumi/pulumi/proto/provider_pb"));
const fromStubs = (id: string) => require(require.resolve(id, { paths: [stubs] }));

export const grpc: typeof import("@grpc/grpc-js") = fromStubs("@grpc/grpc-js");
export const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
export const provproto = require("@pulumi/pulumi/proto/provider_pb");
export const pluginproto = require("@pulumi/pulumi/proto/plugin_pb");
export const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
export const engproto = require("@pulumi/pulumi/proto/engine_pb");
export const statusproto = require("@pulumi/pulumi/proto/status_pb");
export const structproto = fromStubs("google-protobuf/google/protobuf/struct_pb");
export const emptyproto = fromStubs("google-protobuf/google/protobuf/empty_pb");
export const anyproto = fromStubs("google-protobuf/google/protobuf/any_pb");
