// The parts of Kubernetes objects the launcher reads or writes. Everything read back from the API
// server is typed as possibly missing: it is checked where used, never trusted to be there.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
  resourceVersion?: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: JsonObject;
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: JsonObject[];
  workingDir?: string;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  serviceAccountName?: string;
  imagePullSecrets?: JsonObject[];
  restartPolicy?: string;
}

export interface Deployment {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: ObjectMeta; spec?: PodSpec };
  };
  status?: {
    availableReplicas?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

export interface Service {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    selector?: Record<string, string>;
    ports?: Array<{ port?: number; name?: string }>;
    clusterIP?: string;
    clusterIPs?: string[];
  };
}

export interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode?: number; reason?: string; message?: string };
  };
}

export interface Pod {
  metadata?: ObjectMeta;
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string }>;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface Job {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: JsonObject;
  status?: {
    succeeded?: number;
    failed?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}
