/**
 * The sentences users see for video errors, in one place so every path that raises the
 * same error says the same thing.
 */
export const VIDEO_ERROR_MESSAGES = {
  notFound:
    'The video service does not know that video. Check the id; it may have been deleted or belong to another account.',
  badId: "That doesn't look like a video id. Copy the id from the video's message.",
  notCompleted: 'That video has not finished yet. Wait until it is completed, then try again.',
  expired:
    'That video has expired on the video service (results are kept about a day). Make a new video instead.',
  contentPolicy:
    'The video service refused this under its content rules. Change the prompt or image (no real people, copyrighted characters or faces in images) and try again.',
  unauthorized: "The video service refused the bot's API key — an admin must check VIDEO_API_KEY.",
  malformed:
    'The video service sent an answer the bot could not read. Try again later; if it keeps happening an admin should check VIDEO_API_DIALECT.',
  cancelled: 'The request to the video service was cancelled.',
  remixUnsupported: 'This video service does not offer remix. Make a new video instead.',
  editsUnsupported: 'This video service does not offer edits. Remix the video or make a new one instead.',
  extensionsUnsupported: 'This video service does not offer extensions. Make a new, longer video instead.',
  charactersUnsupported: 'This video service does not offer characters.',
  badCharacterId:
    "That doesn't look like a character id. Copy the id the bot gave when the character was made.",
  characterNotFound:
    'The video service does not know that character. Check the id; it may belong to another account.',
  dialectMismatch:
    'The video service expects requests in another format. An admin should check VIDEO_API_DIALECT (or set it to auto).',
} as const;
