"""The scale store: MongoDB through PyMongo's AsyncMongoClient."""

from storage.mongo.store import MongoStore

__all__ = ["MongoStore"]
