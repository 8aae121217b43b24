-- What was said in a conversation is a record: messages are appended, never edited or deleted.
CREATE TRIGGER conversation_message_append_only BEFORE UPDATE OR DELETE ON "conversation_message"
  FOR EACH ROW EXECUTE FUNCTION lotwise_refuse_change();
CREATE TRIGGER conversation_message_no_truncate BEFORE TRUNCATE ON "conversation_message"
  FOR EACH STATEMENT EXECUTE FUNCTION lotwise_refuse_change();
