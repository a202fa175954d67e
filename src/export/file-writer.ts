/**
 * Writes one JSONL export object to R2 with bounded memory: bytes collect in one part-sized
 * buffer; a file that outgrows it becomes a multipart upload of equal parts (R2 wants every part
 * but the last the same size, at least 5 MiB). The SHA-256 is computed on the way through.
 */
export const PART_SIZE = 5 * 1024 * 1024;

export interface ExportedFile {
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** What the previous export said about this key; equal content means nothing is written. */
export interface PreviousFile {
  rows: number;
  bytes: number;
  sha256: string;
}

export class ExportFileWriter {
  readonly key: string;
  private readonly bucket: R2Bucket;
  private readonly partSize: number;
  private readonly buffer: Uint8Array;
  private filled = 0;
  private rows = 0;
  private bytes = 0;
  private upload: R2MultipartUpload | null = null;
  private readonly parts: R2UploadedPart[] = [];
  private readonly digest = new crypto.DigestStream("SHA-256");
  private readonly hasher = this.digest.getWriter();

  constructor(bucket: R2Bucket, key: string, partSize = PART_SIZE) {
    this.bucket = bucket;
    this.key = key;
    this.partSize = partSize;
    this.buffer = new Uint8Array(partSize);
  }

  /** Appends one page: each value becomes one line. */
  async writeLines(values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const chunk = encoder.encode(values.map((value) => `${JSON.stringify(value)}\n`).join(""));
    await this.hasher.write(chunk);
    this.rows += values.length;
    this.bytes += chunk.byteLength;
    let offset = 0;
    while (offset < chunk.byteLength) {
      const take = Math.min(this.partSize - this.filled, chunk.byteLength - offset);
      this.buffer.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.partSize) await this.flushPart();
    }
  }

  /**
   * Finishes the object. When `previous` describes the same bytes and the stored object still has
   * that size, the upload is abandoned so a re-run leaves R2 exactly as it was.
   */
  async finish(previous: PreviousFile | undefined): Promise<ExportedFile & { written: boolean }> {
    await this.hasher.close();
    const sha256 = hex(await this.digest.digest);
    const file = { key: this.key, rows: this.rows, bytes: this.bytes, sha256 };
    if (previous && previous.sha256 === sha256 && previous.rows === this.rows && previous.bytes === this.bytes) {
      const stored = await this.bucket.head(this.key);
      if (stored?.size === this.bytes) {
        if (this.upload) await this.upload.abort();
        return { ...file, written: false };
      }
    }
    if (!this.upload) {
      await this.bucket.put(this.key, this.buffer.subarray(0, this.filled), {
        httpMetadata: { contentType: JSONL_TYPE },
        customMetadata: { sha256, rows: String(this.rows) },
        sha256,
      });
      return { ...file, written: true };
    }
    if (this.filled > 0) await this.flushPart();
    await this.upload.complete(this.parts);
    return { ...file, written: true };
  }

  /** Drops a half-written multipart upload after a failure, so no orphan parts linger. */
  async discard(): Promise<void> {
    await this.hasher.abort().catch(() => undefined);
    if (this.upload) await this.upload.abort();
  }

  private async flushPart(): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, { httpMetadata: { contentType: JSONL_TYPE } });
    const part = await this.upload.uploadPart(this.parts.length + 1, this.buffer.slice(0, this.filled));
    this.parts.push(part);
    this.filled = 0;
  }
}

const JSONL_TYPE = "application/x-ndjson; charset=utf-8";
const encoder = new TextEncoder();

export function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
