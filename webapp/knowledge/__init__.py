"""The hard-fault knowledge base (疑难故障知识库): articles written from difficult repairs,
published by the department head, searchable in Chinese on the server and offline on devices."""
