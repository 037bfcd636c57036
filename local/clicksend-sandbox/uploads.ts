// POST /uploads?convert=… and the files it serves under /uploads/. JSON `{content: base64}`
// only (multipart is refused with a clear 400). Uploads expire 10 minutes after upload, as
// ClickSend's current docs say. For convert=mms the image is checked (jpg, jpeg, png, gif, bmp;
// at most 250 KiB) but not transcoded: the bytes are kept and the URL ends in .jpg (.gif stays).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { unixSeconds, type SandboxContext } from "./context.ts";
import { badRequest, ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import type { RouteRequest } from "./router.ts";
import type { Upload } from "./state.ts";

export const UPLOADS_PATH = "/uploads/";
const MMS_MAX_BYTES = 250 * 1024;
const UPLOAD_TTL_SECONDS = 10 * 60;
const CONVERTS = ["mms", "fax", "post", "csv", "postcard"] as const;

const uploadSchema = z.object({
  content: z
    .string({ error: "content is required: the file as base64" })
    .min(1, "content is required: the file as base64"),
  convert: z.enum(CONVERTS).optional(),
});

type ImageType = { extension: "jpg" | "gif"; contentType: string };

function detectImage(bytes: Buffer): ImageType | undefined {
  const starts = (...magic: number[]): boolean => magic.every((byte, i) => bytes[i] === byte);
  if (starts(0xff, 0xd8, 0xff)) return { extension: "jpg", contentType: "image/jpeg" };
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { extension: "jpg", contentType: "image/png" };
  if (starts(0x47, 0x49, 0x46, 0x38)) return { extension: "gif", contentType: "image/gif" };
  if (starts(0x42, 0x4d)) return { extension: "jpg", contentType: "image/bmp" };
  return undefined;
}

function decodeBase64(content: string): Buffer {
  const payload = content.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1) {
    throw badRequest("content: not valid base64.");
  }
  const bytes = Buffer.from(payload, "base64");
  if (bytes.length === 0) throw badRequest("content: the file is empty.");
  return bytes;
}

export function upload(ctx: SandboxContext, req: RouteRequest): Reply {
  if (req.contentType.startsWith("multipart/")) {
    throw badRequest(
      'The sandbox accepts uploads as JSON {"content": "<base64>"} only, not multipart/form-data.',
    );
  }
  const body = parseWith(uploadSchema, req.body ?? {});
  const convertParam = req.query.get("convert") ?? body.convert;
  const convert = z.enum(CONVERTS).safeParse(convertParam);
  if (!convert.success) {
    throw badRequest(`convert: must be one of ${CONVERTS.join(", ")}.`);
  }
  const bytes = decodeBase64(body.content);

  let extension: string;
  let contentType: string;
  if (convert.data === "mms") {
    const image = detectImage(bytes);
    if (!image)
      throw badRequest("The file is not an image MMS can carry (jpg, jpeg, png, gif, bmp).");
    if (bytes.length > MMS_MAX_BYTES) {
      throw badRequest(`The file is larger than the MMS limit of ${MMS_MAX_BYTES} bytes (250 kB).`);
    }
    ({ extension, contentType } = image);
  } else if (convert.data === "csv") {
    extension = "csv";
    contentType = "text/csv";
  } else {
    extension = "pdf";
    contentType = "application/pdf";
  }

  const now = unixSeconds(ctx);
  const stored: Upload = {
    id: ctx.state.nextUploadId++,
    username: req.account.username,
    userId: req.account.userId,
    fileName: `${randomUUID().toUpperCase()}.${extension}`,
    contentType,
    convert: convert.data,
    bytes,
    dateAdded: now,
    dateDelete: now + UPLOAD_TTL_SECONDS,
  };
  ctx.state.uploads.set(stored.fileName, stored);
  return ok("Your file has been uploaded.", {
    _url: `${ctx.origin}${UPLOADS_PATH}${stored.fileName}`,
    date_added: stored.dateAdded,
    date_delete: stored.dateDelete,
    file_name: stored.fileName,
    upload_id: stored.id,
    user_id: stored.userId,
  });
}

/** A stored file still within its lifetime, for GET /uploads/<file_name>. */
export function findUpload(ctx: SandboxContext, fileName: string): Upload | undefined {
  const stored = ctx.state.uploads.get(fileName);
  return stored && stored.dateDelete > unixSeconds(ctx) ? stored : undefined;
}
