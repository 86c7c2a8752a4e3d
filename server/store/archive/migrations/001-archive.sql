-- The archive of ended conversations (server/store/archive/archive.ts, docs/archive.md).
-- Times are milliseconds since the epoch (bigint), as everywhere else in Switchboard.

CREATE TABLE archived_conversations (
  site_key      text     NOT NULL,
  id            text     NOT NULL,
  visitor_id    text     NOT NULL,
  status        text     NOT NULL,
  queue         text     NOT NULL,
  category      text,
  agent_id      text,
  agent_name    text,
  visitor_name  text,
  visitor_email text,
  preview       text     NOT NULL,
  created_at    bigint   NOT NULL,
  ended_at      bigint,
  message_count integer  NOT NULL,
  -- The text-search configuration of the visitor's language (english, french, german, spanish,
  -- portuguese, else simple): how `search` was stemmed.
  search_config regconfig NOT NULL,
  -- Visitor name and email (weight A) and the text of every message, in search_config.
  search        tsvector NOT NULL,
  -- The conversation as it ended (routing decision, transfer, survey, context …), as stored.
  record        jsonb    NOT NULL,
  attachments   jsonb    NOT NULL DEFAULT '[]'::jsonb,
  version       text     NOT NULL,
  archived_at   bigint   NOT NULL,
  PRIMARY KEY (site_key, id)
);

-- Newest first, and each filter with the same order, so a page is an index range.
CREATE INDEX archived_conversations_created ON archived_conversations (site_key, created_at DESC, id DESC);
CREATE INDEX archived_conversations_visitor ON archived_conversations (site_key, visitor_id, created_at DESC);
CREATE INDEX archived_conversations_email ON archived_conversations (site_key, lower(visitor_email), created_at DESC) WHERE visitor_email IS NOT NULL;
CREATE INDEX archived_conversations_agent ON archived_conversations (site_key, agent_id, created_at DESC) WHERE agent_id IS NOT NULL;
CREATE INDEX archived_conversations_queue ON archived_conversations (site_key, queue, created_at DESC);
CREATE INDEX archived_conversations_category ON archived_conversations (site_key, category, created_at DESC) WHERE category IS NOT NULL;
CREATE INDEX archived_conversations_search ON archived_conversations USING gin (search);

CREATE TABLE archived_messages (
  site_key        text    NOT NULL,
  conversation_id text    NOT NULL,
  seq             integer NOT NULL,
  id              text    NOT NULL,
  -- 'message' for chat messages; other kinds (internal notes, attachments) are kept the same way.
  kind            text    NOT NULL DEFAULT 'message',
  author          text    NOT NULL,
  text            text    NOT NULL DEFAULT '',
  created_at      bigint  NOT NULL,
  -- The message as stored, every field of every kind.
  data            jsonb   NOT NULL,
  PRIMARY KEY (site_key, conversation_id, seq),
  FOREIGN KEY (site_key, conversation_id) REFERENCES archived_conversations (site_key, id) ON DELETE CASCADE
);
